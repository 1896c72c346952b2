package io.barrel.p2p.metrics;

/**
 * The catalogue of every meter barrel-p2p emits. docs/metrics.md lists the same names; a meter that
 * is not here does not exist.
 */
public enum MeterName {
  /** Handshakes by role (client/server), outcome (ok/fail) and reason (ok or a failure reason). */
  AUTH_ATTEMPTS("barrel.p2p.auth.attempts", Kind.COUNTER, "handshakes", "role", "outcome", "reason"),
  /** Handshake duration from QUIC connected to authenticated or failed. */
  AUTH_DURATION("barrel.p2p.auth.duration", Kind.TIMER, null, "role", "outcome"),
  /** Authenticated connections opened, by direction (inbound/outbound). */
  CONNECTIONS_OPENED("barrel.p2p.transport.connections.opened", Kind.COUNTER, "connections", "direction"),
  /** Connections closed, by reason (idle, duplicate, peer, error, shutdown, auth). */
  CONNECTIONS_CLOSED("barrel.p2p.transport.connections.closed", Kind.COUNTER, "connections", "reason"),
  /** Authenticated connections currently open. */
  CONNECTIONS_ACTIVE("barrel.p2p.transport.connections.active", Kind.GAUGE, "connections"),
  /** Connections the idle reaper closed. */
  IDLE_REAPED("barrel.p2p.transport.idle.reaped", Kind.COUNTER, "connections"),
  /** QUIC Retry packets sent: new clients asked to prove their address while handshakes piled up. */
  RETRIES_SENT("barrel.p2p.transport.retries", Kind.COUNTER, "packets"),
  /** Streams or connections ended because of malformed or forbidden input, by what (stream_header, control_frame, auth_frame, pre_auth_stream, ...). */
  PROTOCOL_ERRORS("barrel.p2p.transport.protocol.errors", Kind.COUNTER, "errors", "what"),
  /** Inbound streams refused, by reason (unknown_tag, no_acceptor, too_many_pending, reserved_tag). */
  STREAMS_REFUSED("barrel.p2p.transport.streams.refused", Kind.COUNTER, "streams", "reason"),
  /** Streams opened, by kind (control, data, app) and direction. */
  STREAMS_OPENED("barrel.p2p.transport.streams.opened", Kind.COUNTER, "streams", "kind", "direction"),
  /** Control frames sent and received, by direction. */
  CONTROL_FRAMES("barrel.p2p.transport.control.frames", Kind.COUNTER, "frames", "direction"),
  /** On-demand dials, by outcome (ok, fail). */
  DIALS("barrel.p2p.transport.dials", Kind.COUNTER, "dials", "outcome"),
  /** Discovery lookups, by outcome (hit, miss, error). */
  DISCOVERY_LOOKUPS("barrel.p2p.discovery.lookups", Kind.COUNTER, "lookups", "outcome"),
  /** Membership events: up (reason none) and down by reason (graceful, failed, evicted). */
  MEMBERSHIP_PEER_EVENTS("barrel.p2p.membership.peer.events", Kind.COUNTER, "events", "event", "reason"),
  /** HyParView messages by type (join, forward_join, neighbor, ...) and direction (in/out). */
  MEMBERSHIP_MESSAGES("barrel.p2p.membership.messages", Kind.COUNTER, "messages", "type", "direction"),
  /** Current size of the active and the passive view. */
  MEMBERSHIP_VIEW_SIZE("barrel.p2p.membership.view.size", Kind.GAUGE, "peers", "view"),
  /** Plumtree messages by type (gossip, ihave, graft, prune) and direction (in/out). */
  BROADCAST_MESSAGES("barrel.p2p.broadcast.messages", Kind.COUNTER, "messages", "type", "direction"),
  /** Broadcast payloads handed to this node's subscribers (each message once). */
  BROADCAST_DELIVERED("barrel.p2p.broadcast.delivered", Kind.COUNTER, "messages"),
  /** Payload bytes of GOSSIP messages sent: compare with (N-1) x size for the overhead. */
  BROADCAST_PAYLOAD_BYTES("barrel.p2p.broadcast.payload.bytes", Kind.COUNTER, "bytes", "direction"),
  /** Service instances visible to lookups on this node. */
  REGISTRY_INSTANCES("barrel.p2p.registry.instances", Kind.GAUGE, "instances"),
  /** Registry events emitted on this node, by type (registered, unregistered, down). */
  REGISTRY_EVENTS("barrel.p2p.registry.events", Kind.COUNTER, "events", "type"),
  /** Events dropped because a reader's {@code ServiceEventQueue} was full: that reader must re-read. */
  REGISTRY_EVENTS_MISSED("barrel.p2p.registry.events.missed", Kind.COUNTER, "events"),
  /**
   * Registry messages by type (delta, heartbeat, digest, chunk, route_request, route_reply, rejected,
   * malformed) and direction.
   */
  REGISTRY_MESSAGES("barrel.p2p.registry.messages", Kind.COUNTER, "messages", "type", "direction"),
  /** Leases of other nodes that expired here. */
  REGISTRY_LEASES_EXPIRED("barrel.p2p.registry.leases.expired", Kind.COUNTER, "leases"),
  /** Refused CRDT input since start, by what (delta, timestamp). */
  REGISTRY_REJECTED("barrel.p2p.registry.rejected", Kind.GAUGE, "rejections", "what"),
  /** This node's overlay searches for whereis, by outcome (found, not_found, overloaded, timeout). */
  REGISTRY_ROUTE_SEARCHES("barrel.p2p.registry.route.searches", Kind.COUNTER, "searches", "outcome"),
  /**
   * Overlay requests this node answered for neighbours, by outcome (found, not_found, timeout, and
   * overloaded: refused at once because max-in-flight searches were running).
   */
  REGISTRY_ROUTE_REQUESTS("barrel.p2p.registry.route.requests", Kind.COUNTER, "requests", "outcome"),
  /** Calls made from here, by service, method and outcome (ok, error, deadline, overloaded, ...), each attempt included. */
  RPC_CLIENT_CALLS("barrel.p2p.rpc.client.calls", Kind.TIMER, null, "service", "method", "outcome"),
  /** Calls served here, by service, method and outcome (ok, failed, cancelled, expired). */
  RPC_SERVER_CALLS("barrel.p2p.rpc.server.calls", Kind.TIMER, null, "service", "method", "outcome"),
  /** Remote calls from here waiting for their answer. */
  RPC_CLIENT_IN_FLIGHT("barrel.p2p.rpc.client.in.flight", Kind.GAUGE, "calls"),
  /** Calls being served here (queued or running). */
  RPC_SERVER_IN_FLIGHT("barrel.p2p.rpc.server.in.flight", Kind.GAUGE, "calls"),
  /** Attempts retried on another instance, by service and the failure that caused it. */
  RPC_RETRIES("barrel.p2p.rpc.client.retries", Kind.COUNTER, "retries", "service", "reason"),
  /** Instances ejected as outliers, by service. */
  RPC_EJECTIONS("barrel.p2p.rpc.client.ejections", Kind.COUNTER, "ejections", "service"),
  /** Malformed or out-of-order RPC frames; the stream was reset, by problem. */
  RPC_PROTOCOL_ERRORS("barrel.p2p.rpc.protocol.errors", Kind.COUNTER, "errors", "problem");

  /** What kind of meter a name is. */
  public enum Kind {
    /** A monotonically increasing count. */
    COUNTER,
    /** A sampled current value. */
    GAUGE,
    /** A distribution of durations. */
    TIMER
  }

  private final String meterName;
  private final Kind kind;
  private final String baseUnit;
  private final String[] tagKeys;

  MeterName(String meterName, Kind kind, String baseUnit, String... tagKeys) {
    this.meterName = meterName;
    this.kind = kind;
    this.baseUnit = baseUnit;
    this.tagKeys = tagKeys;
  }

  /** The dotted Micrometer name (Prometheus renders dots as underscores). */
  public String meterName() {
    return meterName;
  }

  /** Counter, gauge or timer. */
  public Kind kind() {
    return kind;
  }

  /** The base unit, or null for timers (seconds by convention). */
  public String baseUnit() {
    return baseUnit;
  }

  /** The tag keys this meter carries, in order. */
  public String[] tagKeys() {
    return tagKeys.clone();
  }
}
