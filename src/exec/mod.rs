//! Real runs: the browser-free part shared by every real executor.

pub mod board;
mod driver;
pub mod native;
pub mod pool;
pub mod pool_calibration;

pub use driver::{
    runs_pipelined, Dispatch, PoolChange, RunDriver, PIPELINE_DEPTH, PIPELINE_MAX_TASK_US,
};
