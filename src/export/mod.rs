//! Exporting a graph to other engines: standalone Python scripts that run it on Dask's
//! distributed scheduler or on asyncio ([`python`]). A face-level module: it reads the model
//! (graph, kernels) and writes text, and knows no browser or executor.

pub mod python;

pub use python::{to_python, ExportError, Target};
