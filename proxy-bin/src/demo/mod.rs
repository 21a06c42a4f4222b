//! `switchyard demo`: four demo web servers behind the proxy, configured by the embedded
//! `config-examples/demo.cfg` (frontend `127.0.0.1:8080`, `roundrobin` over web1..web4).

mod backends;
mod traffic;

use anyhow::Context;
use std::net::SocketAddr;
use switchyard_core::config;

/// The demo configuration, compiled into the binary so `demo` works from any directory.
const DEMO_CONFIG: &str = include_str!("../../../config-examples/demo.cfg");

/// Run the demo. With `requests`, send that many requests through the proxy, print who
/// answered, and return; without, serve until Ctrl-C.
pub(crate) async fn run(requests: Option<u32>) -> anyhow::Result<()> {
    let config = crate::check::report(config::load_str("demo.cfg", DEMO_CONFIG))
        .context("the embedded demo configuration is invalid")?;
    backends::start().await?;
    let (listeners, _background) = crate::serve::bind(config).await?;
    let frontend = listeners
        .local_addrs()
        .first()
        .map(|(_, addr)| *addr)
        .context("the demo configuration has no frontend")?;

    let Some(count) = requests else {
        print_instructions(frontend);
        listeners
            .serve(crate::serve::shutdown_signal())
            .await
            .map_err(crate::serve::flatten)?;
        return Ok(());
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = listeners.serve(async {
        let _ = stopped.await;
    });
    let sending = async {
        let outcome = traffic::send(frontend, count).await;
        let _ = stop.send(());
        outcome
    };
    let (served, sent) = tokio::join!(serving, sending);
    served.map_err(crate::serve::flatten)?;
    sent
}

fn print_instructions(frontend: SocketAddr) {
    let servers: Vec<String> = backends::SERVERS
        .iter()
        .map(|(name, port)| format!("{name} on 127.0.0.1:{port}"))
        .collect();
    println!(
        "\nSwitchyard demo is running.\n\
         \n  backends: {}\
         \n  proxy:    http://{frontend}/ (balance roundrobin)\n\
         \nTry it:\
         \n  curl -s http://{frontend}/          # run it several times: web1, web2, web3, web4, web1...\
         \n  curl -si http://{frontend}/ | grep -i x-server\
         \n\nThe statistics page is not there yet (it comes with a later version).\
         \nPress Ctrl-C to stop.\n",
        servers.join(", ")
    );
}
