package io.barrel.p2p.crdt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The simple value type of the tests: roughly what a registration carries.
 *
 * @param id an instance id, 1..64 UTF-8 bytes
 * @param port 0..65535
 */
record ServiceInstance(String id, int port) {

  /** A codec for it: u8 length, the id as UTF-8, then the port as u16; exactly that, nothing more. */
  static final ValueCodec<ServiceInstance> CODEC = new ValueCodec<>() {
    @Override
    public byte[] encode(ServiceInstance value) {
      byte[] id = value.id().getBytes(StandardCharsets.UTF_8);
      if (id.length < 1 || id.length > 64) {
        throw new IllegalArgumentException("instance id must be 1..64 bytes");
      }
      byte[] out = new byte[id.length + 3];
      out[0] = (byte) id.length;
      System.arraycopy(id, 0, out, 1, id.length);
      out[id.length + 1] = (byte) (value.port() >>> 8);
      out[id.length + 2] = (byte) value.port();
      return out;
    }

    @Override
    public ServiceInstance decode(byte[] bytes) throws CrdtDecodeException {
      if (bytes.length < 4 || (bytes[0] & 0xff) != bytes.length - 3 || bytes.length - 3 > 64) {
        throw new CrdtDecodeException("service instance needs a length byte matching 1..64 id bytes and a port");
      }
      String id;
      try {
        id = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 1, bytes.length - 3)).toString();
      } catch (CharacterCodingException e) {
        throw new CrdtDecodeException("service instance id is not UTF-8");
      }
      int port = ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
      return new ServiceInstance(id, port);
    }
  };

  ServiceInstance {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port must be 0..65535");
    }
  }
}
