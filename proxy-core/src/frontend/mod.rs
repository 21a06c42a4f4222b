//! Listeners: hyper HTTP/1.1 server connections, timeouts, `maxconn`, graceful shutdown.
