//! The task-graph model and the structural algorithms every other module relies on.

mod distribution;
pub mod kernel;
mod levels;
mod model;
mod topo;

pub use distribution::{Spread, MAX_DRAW_US};
pub use levels::bottom_levels;
pub use model::*;
pub use topo::topo_order;
