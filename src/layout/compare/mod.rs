//! The comparison of two runs as the compare view shows it (issue 9): which traces make A and
//! B and the core's options from the view state (`sides`), the summary as figures
//! (`summary`), the table by status (`table`), aligned waterfalls (`waterfall`), B's lineage
//! DAG coloured by Δ (`dag`), a matched LLM/tool pair's usage and text diff (`pair`), and the
//! diverging colours they share (`colors`). Pure: the shell only renders these.

pub mod colors;
pub mod dag;
pub mod details;
pub mod pair;
pub mod sides;
pub mod summary;
pub mod table;
pub mod waterfall;
