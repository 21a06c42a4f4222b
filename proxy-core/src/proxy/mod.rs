//! The tower `ProxyLayer`/`ProxyService`: route, pick, forward, and map failures to HTTP errors.
