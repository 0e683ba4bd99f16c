//! Which devices are stable workstations: one desktop browser on one operating system, its
//! version only going forward.

use std::collections::HashMap;

use woothee::parser::Parser;

use super::Fingerprint;
use crate::seats::index::LoginTimeline;
use crate::seats::timeline::{DeviceKey, SessionRecord};

/// A device's browser as parsed: family, version, operating system, all borrowed.
type Agent<'a> = (&'a str, &'a str, &'a str);

/// What the sessions of one device showed so far, in time order.
#[derive(Clone, Copy)]
enum Seen<'a> {
    Nothing,
    Agent(Agent<'a>),
    /// No stable workstation: no device id, no desktop browser, or two browsers on one id.
    Out,
}

/// Fingerprints by device number; `None` for a device that is no stable workstation.
pub(super) fn workstations(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
) -> Vec<Option<Fingerprint>> {
    let parser = Parser::new();
    let mut parsed: HashMap<&str, Option<Agent<'_>>> = HashMap::new();
    let mut seen: Vec<Seen<'_>> = timeline
        .devices
        .iter()
        .map(|key| match key {
            DeviceKey::Id(_) => Seen::Nothing,
            DeviceKey::Browser { .. } => Seen::Out,
        })
        .collect();
    for span in &timeline.spans {
        let device = span.device as usize;
        let Some(&before) = seen.get(device) else {
            continue;
        };
        if matches!(before, Seen::Out) {
            continue;
        }
        let agent = sessions[span.session]
            .user_agent
            .as_deref()
            .and_then(|text| {
                *parsed
                    .entry(text)
                    .or_insert_with(|| workstation_agent(&parser, text))
            });
        seen[device] = match (agent, before) {
            (Some(now), Seen::Nothing) => Seen::Agent(now),
            (Some(now), Seen::Agent(last)) if now == last => Seen::Agent(now),
            // Updates move the version forward; going back means another browser on this id.
            (Some(now), Seen::Agent(last))
                if (now.0, now.2) == (last.0, last.2)
                    && version_key(now.1) >= version_key(last.1) =>
            {
                Seen::Agent(now)
            }
            _ => Seen::Out,
        };
    }
    seen.into_iter()
        .map(|device| match device {
            Seen::Agent((browser, version, os)) => Some(Fingerprint {
                browser: browser.to_owned(),
                version: version.to_owned(),
                os: os.to_owned(),
            }),
            Seen::Nothing | Seen::Out => None,
        })
        .collect()
}

/// A desktop browser whose family and system are known.
fn workstation_agent<'a>(parser: &Parser, text: &'a str) -> Option<Agent<'a>> {
    let result = parser.parse(text)?;
    let known = |value: &str| !value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN;
    (result.category == "pc" && known(result.name) && known(result.os)).then_some((
        result.name,
        result.version,
        result.os,
    ))
}

/// "120.0.6099.71" compared number by number.
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap_or(u64::MAX))
        .collect()
}
