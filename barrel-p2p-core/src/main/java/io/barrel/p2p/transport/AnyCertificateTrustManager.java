package io.barrel.p2p.transport;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts any TLS certificate. This is safe here, and only here, because TLS provides encryption but
 * not identity in barrel-p2p: every node's certificate is self-signed, and identity is proven by the
 * Ed25519 handshake that runs right after TLS, whose signatures cover SHA-256 of the server's
 * certificate as each side sees it. A relay that terminates TLS with its own certificate therefore
 * makes the two hashes differ and the handshake fail (see AuthTranscript and the MITM test).
 */
final class AnyCertificateTrustManager extends X509ExtendedTrustManager {

  static final AnyCertificateTrustManager INSTANCE = new AnyCertificateTrustManager();

  private AnyCertificateTrustManager() {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    requireChain(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    requireChain(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    requireChain(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    requireChain(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    requireChain(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    requireChain(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private static void requireChain(X509Certificate[] chain) throws CertificateException {
    // The handshake binds to chain[0]; without one there is nothing to bind to.
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer presented no certificate");
    }
  }
}
