package io.barrel.p2p.rpc;

import io.barrel.p2p.rpc.RpcDecodeException.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Cuts the bytes of one stream into {@link RpcFrame}s as they arrive, in chunks of any size and
 * split anywhere. One decoder per stream, fed from one thread at a time (a stream listener's
 * callbacks already are).
 *
 * <p>It holds at most one incomplete frame. The length prefix is checked the moment its four bytes
 * are there (an oversized frame is refused before any of it is buffered), the version and type at
 * their first byte; the buffer for a frame's content grows with the bytes actually received, never
 * to a length the peer merely announced, so a peer that sends only a large prefix costs nothing.
 * A frame that arrives whole inside one chunk is decoded in place, without a copy.
 *
 * <p>After a {@link RpcDecodeException} the stream is unusable: the frames before the bad one have
 * been handed out, and the decoder refuses further input with {@link IllegalStateException}.
 */
public final class RpcFrameDecoder {

  private static final int FIRST_BUFFER_BYTES = 256;

  private final RpcFrameCodec codec;
  private final byte[] prefix = new byte[RpcFrameCodec.LENGTH_BYTES];
  private int prefixFilled;
  private int length = -1;
  private byte[] content;
  private int contentFilled;
  private boolean failed;

  /** A decoder holding frames to {@code codec}'s limits. */
  public RpcFrameDecoder(RpcFrameCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /** {@link #feed(byte[], int, int, Consumer)} collecting the frames in a list. */
  public List<RpcFrame> feed(byte[] chunk) throws RpcDecodeException {
    List<RpcFrame> frames = new ArrayList<>(2);
    feed(chunk, 0, chunk.length, frames::add);
    return frames;
  }

  /**
   * Takes the next {@code count} bytes of the stream and hands every frame they complete to
   * {@code frames}, in order. The chunk is not kept: the caller may reuse it afterwards.
   *
   * @throws RpcDecodeException at the first byte that cannot belong to a valid frame; frames before
   *     it have already been handed out
   * @throws IllegalStateException when an earlier call failed
   */
  public void feed(byte[] chunk, int offset, int count, Consumer<? super RpcFrame> frames)
      throws RpcDecodeException {
    Objects.checkFromIndexSize(offset, count, chunk.length);
    if (failed) {
      throw new IllegalStateException("this RPC stream was refused earlier; close it instead of reading on");
    }
    try {
      int at = offset;
      int end = offset + count;
      while (at < end) {
        if (length < 0) {
          if (prefixFilled == 0 && end - at >= RpcFrameCodec.LENGTH_BYTES) {
            int announced = readLength(chunk, at);
            if (end - at - RpcFrameCodec.LENGTH_BYTES >= announced) {
              frames.accept(codec.decodeContent(chunk, at + RpcFrameCodec.LENGTH_BYTES, announced));
              at += RpcFrameCodec.LENGTH_BYTES + announced;
              continue;
            }
          }
          int take = Math.min(RpcFrameCodec.LENGTH_BYTES - prefixFilled, end - at);
          System.arraycopy(chunk, at, prefix, prefixFilled, take);
          prefixFilled += take;
          at += take;
          if (prefixFilled == RpcFrameCodec.LENGTH_BYTES) {
            length = readLength(prefix, 0);
            content = new byte[Math.min(length, FIRST_BUFFER_BYTES)];
            contentFilled = 0;
          }
        } else {
          int take = Math.min(length - contentFilled, end - at);
          append(chunk, at, take);
          at += take;
          if (contentFilled == length) {
            RpcFrame frame = codec.decodeContent(content, 0, length);
            reset();
            frames.accept(frame);
          }
        }
      }
    } catch (RpcDecodeException e) {
      failed = true;
      throw e;
    }
  }

  /**
   * The stream ended (FIN).
   *
   * @throws RpcDecodeException ({@link Problem#TRUNCATED}) when it ended inside a frame
   */
  public void end() throws RpcDecodeException {
    if (!failed && bufferedBytes() > 0) {
      failed = true;
      throw new RpcDecodeException(Problem.TRUNCATED, "RPC stream ended inside a frame, after " + bufferedBytes()
          + " of its bytes" + (length >= 0 ? " (it announced " + (RpcFrameCodec.LENGTH_BYTES + length) + ")" : ""));
    }
  }

  /** Bytes of an incomplete frame held so far. */
  public int bufferedBytes() {
    return prefixFilled + contentFilled;
  }

  /** Bytes allocated for the incomplete frame's content (for tests of the buffering bound). */
  int bufferCapacity() {
    return content == null ? 0 : content.length;
  }

  private int readLength(byte[] bytes, int at) throws RpcDecodeException {
    long announced = ((long) (bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    codec.checkLength(announced);
    return (int) announced;
  }

  private void append(byte[] chunk, int at, int take) throws RpcDecodeException {
    int needed = contentFilled + take;
    if (needed > content.length) {
      // Doubling keeps copies amortised; capping at the frame's length keeps the buffer at most twice what arrived.
      content = Arrays.copyOf(content, (int) Math.min(length, Math.max(needed, content.length * 2L)));
    }
    int before = contentFilled;
    System.arraycopy(chunk, at, content, contentFilled, take);
    contentFilled = needed;
    // Version and type are checked as soon as their bytes are in, not after the whole frame.
    if (before < 1 && contentFilled >= 1) {
      RpcFrameCodec.checkVersion(content[0] & 0xff);
    }
    if (before < 2 && contentFilled >= 2) {
      RpcFrameCodec.checkType(content[1] & 0xff);
    }
  }

  private void reset() {
    prefixFilled = 0;
    length = -1;
    content = null;
    contentFilled = 0;
  }
}
