//! Layout: pure functions from (trace, view) to rows, scales and draw lists.
