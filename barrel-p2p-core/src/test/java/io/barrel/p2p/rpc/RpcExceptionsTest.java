package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The exceptions the proxy layer raises itself say what happened, where, and what to do. */
class RpcExceptionsTest {

  private static final NodeName NODE = NodeName.of("b@host");

  @Test
  void noInstanceAvailableNamesTheServiceAndOptionallyTheNode() {
    NoInstanceAvailableException none = new NoInstanceAvailableException("com.example.Echo", null,
        "no registered instance matches version 2");

    assertThat(none).hasMessage("no instance of service 'com.example.Echo' available: no registered instance"
        + " matches version 2");
    assertThat(none.service()).isEqualTo("com.example.Echo");
    assertThat(none.node()).isEmpty();
    assertThat(new NoInstanceAvailableException("s", NODE, "gone").node()).contains(NODE);
  }

  @Test
  void deadlineExceededSaysTheTimeoutAndThatTheCallMayHaveRun() {
    DeadlineExceededException e = new DeadlineExceededException(NODE, "Echo.echo", 10_000, "no answer in time");

    assertThat(e).hasMessage("Echo.echo missed its deadline of 10000 ms on node 'b@host': no answer in time");
    assertThat(e.timeoutMillis()).isEqualTo(10_000);
  }

  @Test
  void connectionLostMidCallKeepsTheTransportCause() {
    IOException cause = new IOException("stream reset");
    ConnectionLostMidCallException e = new ConnectionLostMidCallException(NODE, "Echo.echo", cause);

    assertThat(e).hasMessage("connection lost during Echo.echo on node 'b@host'; it may or may not have run"
        + " (stream reset)").hasCause(cause);
    assertThat(e.node()).contains(NODE);
    assertThat(new ConnectionLostMidCallException(NODE, "Echo.echo", null).getMessage()).endsWith("have run");
  }

  @Test
  void payloadTooLargeSaysWhichSideAndHowToFixIt() {
    PayloadTooLargeException sending = new PayloadTooLargeException(PayloadTooLargeException.Side.SENDING, NODE,
        20_000_000, 16_777_216, "a request frame");
    assertThat(sending).hasMessage("refused to send a request frame of 20000000 bytes on node 'b@host': over the"
        + " 16777216-byte maximum message size; raise it on both nodes (RpcLimits.maxFrameBytes) or send less"
        + " per call");

    PayloadTooLargeException remote = new PayloadTooLargeException(PayloadTooLargeException.Side.REMOTE, NODE, -1, -1,
        "the result is 20 MB");
    assertThat(remote.getMessage()).startsWith("remote node refused an oversized message on node 'b@host'");
    assertThat(remote.sizeBytes()).isEqualTo(-1);
  }

  @Test
  void incompatibleMethodAndOverloadedSayWhatToDo() {
    assertThat(new IncompatibleMethodException(NODE, "Echo", "echo(java.lang.String)", "no such method"))
        .hasMessage("service 'Echo' on node 'b@host' cannot serve echo(java.lang.String): no such method; deploy the"
            + " same interface on both sides");
    assertThat(new RemoteOverloadedException(NODE, "Echo.echo", "queue full"))
        .hasMessage("Echo.echo refused on node 'b@host': the node is overloaded (queue full); the call did not run");
  }

  @Test
  void everyRpcFailureIsAnRpcException() {
    assertThat(new RpcCodecException("x")).isInstanceOf(RpcException.class);
    assertThat(new RpcCodecException("x").node()).isEmpty();
    assertThat(new RemoteInvocationException(NODE, "s", "m", "", "", java.util.List.of()))
        .isInstanceOf(RpcException.class).hasMessage("s.m failed on node 'b@host'");
  }
}
