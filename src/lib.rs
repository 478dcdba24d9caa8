//! fanout: task graphs (DAGs of tasks with dependencies) checked, scheduled, simulated and run.
//!
//! The core is plain Rust with no browser dependency: the graph model ([`graph`]), its
//! language ([`lang`]), the scheduler ([`sched`]), real-run bookkeeping ([`exec`]), task
//! bodies ([`work`]) and run results ([`trace`]). The `wasm` module (built for wasm32 only) is the
//! thin wasm-bindgen layer the browser uses.

pub mod analysis;
pub mod exec;
/// Standalone Python scripts of a graph for Dask and asyncio.
pub mod export;
pub mod graph;
pub mod lang;
pub mod metrics;
pub mod sched;
/// The share-link format's decoder (native only: the page's is in JavaScript).
#[cfg(not(target_arch = "wasm32"))]
pub mod share;
pub mod sim;
pub mod trace;
pub mod work;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
