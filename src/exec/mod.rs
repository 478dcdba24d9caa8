//! Real runs: the browser-free part shared by every real executor.

mod driver;
pub mod native;
pub mod pool;

pub use driver::{Dispatch, RunDriver, PIPELINE_DEPTH, PIPELINE_MAX_TASK_US};
