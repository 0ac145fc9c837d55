//! The shareable view state and its URL text form.
