//! Task bodies: the real work a task does when an executor runs it.

mod cpu;
pub mod kernels;

pub use cpu::{burn_cpu, burn_cpu_for, calibrate, spin, CpuRate};
