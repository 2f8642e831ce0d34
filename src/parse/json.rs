//! Spanned JSON parser (stub, being written).
