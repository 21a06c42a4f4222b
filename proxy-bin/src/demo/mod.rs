//! `switchyard demo`: four demo web servers behind the proxy, configured by the embedded
//! `config-examples/demo.cfg` (frontend `127.0.0.1:8080`, `roundrobin` over web1..web4).

mod backends;
mod traffic;

use anyhow::Context;
use std::net::SocketAddr;
use switchyard_core::{config, model};

/// The demo configuration, compiled into the binary so `demo` works from any directory.
const DEMO_CONFIG: &str = include_str!("../../../config-examples/demo.cfg");

/// Run the demo. With `requests`, send that many requests through the proxy, print who
/// answered, and return; without, serve until Ctrl-C.
pub(crate) async fn run(requests: Option<u32>) -> anyhow::Result<()> {
    let config = crate::check::report(
        config::load_str("demo.cfg", DEMO_CONFIG),
        "nothing was started",
    )
    .context("the embedded demo configuration is invalid")?;
    let operator_lines = operator_lines(&config);
    backends::start().await?;
    let crate::serve::Bound {
        listeners,
        background: _background,
        ..
    } = crate::serve::bind(config).await?;
    let frontend = listeners
        .local_addrs()
        .first()
        .map(|(_, addr)| *addr)
        .context("the demo configuration has no frontend")?;

    let Some(count) = requests else {
        print_instructions(frontend, &operator_lines);
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

fn print_instructions(frontend: SocketAddr, operator_lines: &str) {
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
         {operator_lines}\
         \n\nPress Ctrl-C to stop.\n",
        servers.join(", ")
    );
}

/// The stats page and stats socket lines of the instructions, read from the demo config so they
/// stay true when it changes.
fn operator_lines(config: &model::Config) -> String {
    let mut lines = String::new();
    if let Some((frontend, stats)) = config
        .frontends
        .iter()
        .find_map(|f| f.stats.as_ref().map(|stats| (f, stats)))
    {
        if let Some(bind) = frontend.binds.first() {
            lines += &format!(
                "\n  open http://{}{}   # the statistics page",
                bind.addr, stats.uri
            );
        }
    }
    for socket in &config.global.stats_sockets {
        if let model::StatsSocketAddr::Unix(path) = &socket.addr {
            let path = path.display();
            lines +=
                &format!("\n  echo \"show stat\" | socat stdio {path}   # HAProxy's runtime API");
            lines += &format!("\n  echo \"disable server http_back/web2\" | socat stdio {path}");
        }
    }
    lines
}
