//! Rule metadata from policies/ (stub, being written).
