package io.barrel.p2p.transport;

import java.util.Arrays;

/**
 * One message on a connection's control stream: a channel number saying which layer it is for and
 * an opaque payload. Channel 0 is the transport's own keep-alive.
 *
 * <pre>
 * control stream (after its stream header):
 *   +-----------------+---------------+-----------------------+
 *   | length: u32 BE  | channel: u16  | payload (length - 2)  |
 *   +-----------------+---------------+-----------------------+
 *   length covers channel + payload and is at most max-control-frame + 2
 * </pre>
 */
public record ControlFrame(int channel, byte[] payload) {

  /** The transport's keep-alive channel; never delivered to listeners, never counts as activity. */
  public static final int KEEP_ALIVE = 0;
  /** Highest channel number. */
  public static final int MAX_CHANNEL = 0xFFFF;

  /** Checks the channel range. */
  public ControlFrame {
    if (channel < 0 || channel > MAX_CHANNEL) {
      throw new IllegalArgumentException("control channel must be 0.." + MAX_CHANNEL + ", got " + channel);
    }
    payload = payload == null ? new byte[0] : payload;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ControlFrame f && f.channel == channel && Arrays.equals(f.payload, payload);
  }

  @Override
  public int hashCode() {
    return 31 * channel + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "ControlFrame[channel=" + channel + ", " + payload.length + " bytes]";
  }
}
