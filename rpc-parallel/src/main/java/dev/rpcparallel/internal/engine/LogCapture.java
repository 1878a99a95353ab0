package dev.rpcparallel.internal.engine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOP_FallbackServiceProvider;
import org.slf4j.spi.LocationAwareLogger;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of spawned worker JVMs (selected with {@code -Dslf4j.provider}; it is not
 * registered as a service, so it never takes part in other applications' provider discovery). It
 * delegates to the provider that would have been chosen without it and also hands every message
 * at a level that provider logs (or at INFO and above, while someone subscribes) to the worker's
 * {@link LogHub}, whose subscribers receive it on the log stream.
 *
 * <p>SLF4J binds providers statically, once per JVM, so the hub is held statically too: there is
 * one spawned worker per JVM.
 */
public final class LogCapture implements SLF4JServiceProvider {
  private static volatile LogHub hub;

  private SLF4JServiceProvider delegate;
  private ILoggerFactory factory;

  /** Starts sending captured messages to {@code h}. */
  static void attach(LogHub h) {
    hub = h;
  }

  /** Whether SLF4J in this JVM runs through this provider. */
  static boolean active() {
    return org.slf4j.LoggerFactory.getILoggerFactory() instanceof Factory;
  }

  /** SLF4J asks for some parts (the MDC adapter) before {@link #initialize()}. */
  private synchronized SLF4JServiceProvider delegate() {
    if (delegate == null) {
      delegate = findDelegate();
    }
    return delegate;
  }

  private static SLF4JServiceProvider findDelegate() {
    SLF4JServiceProvider found = null;
    for (SLF4JServiceProvider p : ServiceLoader.load(SLF4JServiceProvider.class, LogCapture.class.getClassLoader())) {
      if (!(p instanceof LogCapture)) {
        found = p;
        break;
      }
    }
    SLF4JServiceProvider p = found != null ? found : new NOP_FallbackServiceProvider();
    p.initialize();
    return p;
  }

  @Override
  public synchronized void initialize() {
    factory = new Factory(delegate().getLoggerFactory());
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return delegate().getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return delegate().getMDCAdapter();
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  /** Wraps each of the delegate's loggers. */
  private static final class Factory implements ILoggerFactory {
    private final ILoggerFactory delegate;
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

    Factory(ILoggerFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public Logger getLogger(String name) {
      return loggers.computeIfAbsent(name, n -> new Capturing(n, delegate.getLogger(n)));
    }
  }

  /** A logger that publishes to the hub and forwards to its delegate. */
  private static final class Capturing extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    /** The frame before the caller's, so backends that report the caller's location find it. */
    private static final String FQCN = "org.slf4j.helpers.AbstractLogger";

    private final transient Logger delegate;

    Capturing(String name, Logger delegate) {
      this.name = name;
      this.delegate = delegate;
    }

    private static boolean subscribed(Level level) {
      LogHub h = hub;
      return h != null && h.hasSubscribers() && level.toInt() >= Level.INFO.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return delegate.isInfoEnabled() || subscribed(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return delegate.isWarnEnabled() || subscribed(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return delegate.isErrorEnabled() || subscribed(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return FQCN;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
      LogHub h = hub;
      if (h != null) {
        String text = MessageFormatter.basicArrayFormat(msg, args);
        h.publish(level.name(), name, t == null ? text : text + "\n" + stackTrace(t));
      }
      forward(level, marker, msg, args, t);
    }

    private void forward(Level level, Marker marker, String msg, Object[] args, Throwable t) {
      if (!delegate.isEnabledForLevel(level)) {
        return;
      }
      if (delegate instanceof LocationAwareLogger la) {
        la.log(marker, FQCN, level.toInt(), msg, args, t);
        return;
      }
      org.slf4j.spi.LoggingEventBuilder b = delegate.atLevel(level).setCause(t);
      if (marker != null) {
        b.addMarker(marker);
      }
      if (args == null || args.length == 0) {
        b.log(msg); // log(msg, (Object[]) null) throws NullPointerException in SLF4J's event builder
      } else {
        b.log(msg, args);
      }
    }

    private static String stackTrace(Throwable t) {
      StringWriter w = new StringWriter();
      t.printStackTrace(new PrintWriter(w));
      return w.toString().stripTrailing();
    }
  }
}
