//! Rendering checked against HAProxy 2.6's captures.

use super::*;
use crate::config;
use std::sync::Arc;

const FIXTURE_CSV: &str = include_str!("../../../tests/fixtures/haproxy-2.6/showstat.csv");

/// The reference configuration, with ports that nothing listens on.
fn runtime() -> Arc<Runtime> {
    let text = "defaults\n mode http\n timeout connect 5s\n\
        frontend http_front\n bind 127.0.0.1:17080\n default_backend http_back\n\
        backend http_back\n balance roundrobin\n\
        server web1 127.0.0.1:17081\n server web2 127.0.0.1:17082 weight 5 backup\n";
    let loaded = config::load_str("test.cfg", text).unwrap();
    Runtime::from_model(&loaded.config).unwrap()
}

#[test]
fn csv_header_is_haproxy_2_6_header() {
    let header = FIXTURE_CSV.lines().next().unwrap();
    assert_eq!(render::csv_header().trim_end(), header);
}

#[test]
fn csv_rows_have_the_header_s_column_count_and_haproxy_s_row_order() {
    let csv = show_stat(&runtime(), &StatFilter::default(), StatFormat::Csv);
    let mut lines = csv.lines();
    let columns = lines.next().unwrap().matches(',').count();
    let rows: Vec<&str> = lines.collect();
    let names: Vec<String> = rows
        .iter()
        .map(|row| row.split(',').take(2).collect::<Vec<_>>().join("/"))
        .collect();
    assert_eq!(
        names,
        [
            "http_front/FRONTEND",
            "http_back/web1",
            "http_back/web2",
            "http_back/BACKEND"
        ]
    );
    for row in rows {
        assert_eq!(row.matches(',').count(), columns, "{row}");
    }
}

#[test]
fn fresh_rows_match_the_reference_where_switchyard_tracks_the_column() {
    let csv = show_stat(&runtime(), &StatFilter::default(), StatFormat::Csv);
    let ours: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let column = |name: &str| {
        FIXTURE_CSV
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("# ")
            .split(',')
            .position(|c| c == name)
            .unwrap()
    };
    let web2 = &ours[2];
    assert_eq!(web2[column("weight")], "5");
    assert_eq!(web2[column("bck")], "1");
    assert_eq!(web2[column("iid")], "3");
    assert_eq!(web2[column("sid")], "2");
    assert_eq!(web2[column("type")], "2");
    assert_eq!(web2[column("addr")], "127.0.0.1:17082");
    assert_eq!(web2[column("status")], "no check");
    assert_eq!(web2[column("dresp")], "", "untracked columns stay empty");
    let backend = &ours[3];
    assert_eq!(backend[column("algo")], "roundrobin");
    assert_eq!(backend[column("status")], "UP");
    assert_eq!(backend[column("weight")], "1");
    assert_eq!(ours[0][column("status")], "OPEN");
    assert_eq!(ours[0][column("-")], "-");
}

#[test]
fn typed_lines_follow_haproxy_s_shape() {
    let typed = show_stat(&runtime(), &StatFilter::default(), StatFormat::Typed);
    let lines: Vec<&str> = typed.lines().collect();
    assert_eq!(lines[0], "F.2.0.0.pxname.1:KNS:str:http_front");
    assert!(lines.contains(&"S.3.2.18.weight.1:MaP:u32:5"));
    assert!(lines.contains(&"B.3.0.19.act.1:MGP:u32:1"));
}

#[test]
fn json_fields_are_haproxy_s_objects() {
    let json = show_stat(&runtime(), &StatFilter::default(), StatFormat::Json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 4);
    assert!(
        json.starts_with(r#"[[{"objType":"Frontend","proxyId":2,"id":0,"field":{"pos":0,"name":"pxname"},"processNum":1,"tags":{"origin":"Key","nature":"Name","scope":"Service"},"value":{"type":"str","value":"http_front"}},"#),
        "{json}"
    );
}

#[test]
fn filters_select_proxy_type_and_server() {
    let runtime = runtime();
    let filter = StatFilter {
        proxy: Some("http_back".into()),
        types: Some(4),
        server_id: Some(2),
        ..StatFilter::default()
    };
    let csv = show_stat(&runtime, &filter, StatFormat::Csv);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("http_back,web2,"));
}
