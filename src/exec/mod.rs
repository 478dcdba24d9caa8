//! Real runs: the browser-free part shared by every real executor.

mod driver;

pub use driver::{Dispatch, RunDriver};
