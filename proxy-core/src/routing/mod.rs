//! ACL evaluation, `use_backend` routing and `http-request`/`http-response` header rules.
