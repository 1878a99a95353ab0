package dev.rpcparallel.internal.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * The TLS settings of one application, built once from its {@link AppCertificate} (building is
 * expensive: keep one instance per application and share it): TLS 1.3 only, through the JDK's
 * provider (no native library), mutual authentication required, each side presenting the
 * application's certificate and trusting only its key ({@link PinnedTrustManager}), no
 * hostname verification. Immutable and thread-safe.
 */
public final class TlsContexts {
  /** The only protocol offered or accepted. */
  public static final String PROTOCOL = "TLSv1.3";

  private final AppCertificate app;
  private final SslContext server;
  private final SslContext client;

  private TlsContexts(AppCertificate app, SslContext server, SslContext client) {
    this.app = app;
    this.server = server;
    this.client = client;
  }

  /**
   * Builds the server and client contexts of {@code app}.
   *
   * @throws IllegalStateException if the JDK cannot make them (e.g. no TLS 1.3)
   */
  public static TlsContexts of(AppCertificate app) {
    return of(app, app);
  }

  /**
   * Contexts that present {@code presented} and trust only {@code trusted}: for tests, which need
   * a peer that trusts us yet is not us.
   */
  static TlsContexts of(AppCertificate presented, AppCertificate trusted) {
    PinnedTrustManager pin = new PinnedTrustManager(trusted.certificate());
    try {
      SslContext server = SslContextBuilder.forServer(presented.privateKey(), presented.certificate())
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOL)
          .clientAuth(ClientAuth.REQUIRE)
          .trustManager(pin)
          .build();
      SslContext client = SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOL)
          .keyManager(presented.privateKey(), presented.certificate())
          .trustManager(pin)
          .endpointIdentificationAlgorithm(null) // the pin identifies the server, not its name
          .build();
      return new TlsContexts(presented, server, client);
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS contexts: " + e.getMessage(), e);
    }
  }

  /** The identity both contexts present and trust. */
  public AppCertificate certificate() {
    return app;
  }

  /** For accepted connections. */
  SslContext server() {
    return server;
  }

  /** For outgoing connections. */
  SslContext client() {
    return client;
  }
}
