//! The colour theme a user picked (`theme=dark|light`); no pick follows the system setting.
//! Invariant: `Theme::from_token(t.token()) == Some(t)` for every theme.

/// Light or dark colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    /// Dark text on light backgrounds.
    #[default]
    Light,
    /// Light text on dark backgrounds.
    Dark,
}

impl Theme {
    /// Both themes.
    pub const ALL: [Theme; 2] = [Theme::Light, Theme::Dark];

    /// Its name in links (`theme=<name>`) and in the page's `data-theme`.
    pub fn token(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The theme with that name.
    pub fn from_token(t: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|x| x.token() == t)
    }

    /// The theme shown: the one picked, else the system's (`system_dark` from
    /// `prefers-color-scheme`).
    pub fn effective(picked: Option<Theme>, system_dark: bool) -> Theme {
        picked.unwrap_or(if system_dark {
            Theme::Dark
        } else {
            Theme::Light
        })
    }

    /// The other theme (what the toggle switches to).
    pub fn other(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_pick_follows_the_system_and_a_pick_wins() {
        assert_eq!(Theme::effective(None, true), Theme::Dark);
        assert_eq!(Theme::effective(None, false), Theme::Light);
        assert_eq!(Theme::effective(Some(Theme::Light), true), Theme::Light);
        assert_eq!(Theme::effective(Some(Theme::Dark), false), Theme::Dark);
        assert_eq!(Theme::Dark.other(), Theme::Light);
        for t in Theme::ALL {
            assert_eq!(Theme::from_token(t.token()), Some(t));
        }
        assert_eq!(Theme::from_token("system"), None);
    }
}
