//! Output formats (stub, being written).
