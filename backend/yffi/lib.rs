// Intentionally empty: this crate only pulls in yffi's static library.
