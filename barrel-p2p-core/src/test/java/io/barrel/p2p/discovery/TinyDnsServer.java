package io.barrel.p2p.discovery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 (UDP, ephemeral port) that answers A, AAAA and SRV questions for a few
 * fixed names and NXDOMAIN for the rest: enough to drive the JNDI provider end to end.
 *
 * <p>Response layout (RFC 1035 section 4.1): the 12-byte header with the query's id, QR/RD/RA set
 * and one question; the question echoed byte for byte (JNDI checks it matches); then one answer per
 * record, its owner name a pointer ({@code 0xC00C}) to the question's name.
 */
final class TinyDnsServer implements AutoCloseable {

  private static final int TYPE_A = 1;
  private static final int TYPE_AAAA = 28;
  private static final int TYPE_SRV = 33;

  private final DatagramSocket socket;
  private final Thread thread;
  private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
  private final Map<String, List<SrvRecord>> srv = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();

  TinyDnsServer() throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = new Thread(this::serve, "tiny-dns");
    thread.setDaemon(true);
    thread.start();
  }

  TinyDnsServer address(String name, InetAddress address) {
    addresses.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(address);
    return this;
  }

  TinyDnsServer srv(String name, SrvRecord record) {
    srv.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(record);
    return this;
  }

  /** {@code 127.0.0.1:port}, the form the dnsServer setting takes. */
  String hostPort() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  int queries() {
    return queries.get();
  }

  private void serve() {
    byte[] buffer = new byte[512];
    while (!socket.isClosed()) {
      try {
        DatagramPacket request = new DatagramPacket(buffer, buffer.length);
        socket.receive(request);
        queries.incrementAndGet();
        byte[] reply = answer(buffer, request.getLength());
        socket.send(new DatagramPacket(reply, reply.length, request.getSocketAddress()));
      } catch (IOException e) {
        // Closed by close(), or a malformed datagram: the loop condition decides.
      }
    }
  }

  private byte[] answer(byte[] query, int length) {
    // Question: labels from offset 12 to a zero byte, then QTYPE and QCLASS.
    StringBuilder name = new StringBuilder();
    int at = 12;
    while (query[at] != 0) {
      int len = query[at] & 0xff;
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(new String(query, at + 1, len, StandardCharsets.US_ASCII));
      at += len + 1;
    }
    int questionEnd = at + 5;
    int type = ((query[at + 1] & 0xff) << 8) | (query[at + 2] & 0xff);
    String key = name.toString().toLowerCase(Locale.ROOT);

    ByteArrayOutputStream answers = new ByteArrayOutputStream();
    int count = 0;
    boolean known = addresses.containsKey(key) || srv.containsKey(key);
    if (type == TYPE_SRV) {
      for (SrvRecord r : srv.getOrDefault(key, List.of())) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        short16(data, r.priority());
        short16(data, r.weight());
        short16(data, r.port());
        labels(data, r.target());
        record(answers, TYPE_SRV, data.toByteArray());
        count++;
      }
    } else if (type == TYPE_A || type == TYPE_AAAA) {
      int size = type == TYPE_A ? 4 : 16;
      for (InetAddress a : addresses.getOrDefault(key, List.of())) {
        if (a.getAddress().length == size) {
          record(answers, type, a.getAddress());
          count++;
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(query[0]);
    out.write(query[1]);
    int rcode = known ? 0 : 3; // NXDOMAIN for names we have nothing for
    short16(out, 0x8000 | (((query[2] & 0x01) << 8)) | 0x0080 | rcode);
    short16(out, 1);
    short16(out, count);
    short16(out, 0);
    short16(out, 0);
    out.write(query, 12, questionEnd - 12);
    out.writeBytes(answers.toByteArray());
    return out.toByteArray();
  }

  private static void record(ByteArrayOutputStream out, int type, byte[] data) {
    short16(out, 0xC00C);
    short16(out, type);
    short16(out, 1); // class IN
    short16(out, 0);
    short16(out, 60); // TTL 60 s
    short16(out, data.length);
    out.writeBytes(data);
  }

  private static void labels(ByteArrayOutputStream out, String name) {
    for (String label : name.split("\\.")) {
      if (!label.isEmpty()) {
        out.write(label.length());
        out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
      }
    }
    out.write(0);
  }

  private static void short16(ByteArrayOutputStream out, int value) {
    out.write((value >> 8) & 0xff);
    out.write(value & 0xff);
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
