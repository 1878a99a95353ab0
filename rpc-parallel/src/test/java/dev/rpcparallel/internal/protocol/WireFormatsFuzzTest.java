package dev.rpcparallel.internal.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.CodecException;
import dev.rpcparallel.fuzz.Fuzz;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the protocol's own structures read from a peer's bytes: {@link WireError#read} (the
 * error of ERROR and REFUSED frames), {@link Menu#read} (OPENED), the worker handle codecs
 * ({@link Worker#CODEC}, {@link Worker#codec(Class)}), {@link RpcSettings#CODEC} and {@link
 * Preamble#negotiate}. The first byte picks the reader ({@code % 6}), the rest is read.
 *
 * <p>Invariants: only {@link CodecException} escapes a read (only {@link
 * IllegalArgumentException} for the preamble), with no stray exception wrapped into it;
 * allocation stays proportional to the input; what was read writes back and reads again to the
 * same thing. The codecs are called through {@code decode}, not {@code fromBytes} (which would
 * wrap any stray exception), as a derived record holding a handle would call them.
 */
class WireFormatsFuzzTest {
  /** A spec type for {@link Worker#codec(Class)}: only its name matters to the codec. */
  abstract static class Spec implements WorkerSpec<Void, Void, Void, Void> {}

  private static final Codec<Worker<Spec>> TYPED = Worker.codec(Spec.class);

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void read(byte[] data) {
    if (data.length == 0) {
      return;
    }
    int which = (data[0] & 0xFF) % 6;
    byte[] bytes = Arrays.copyOfRange(data, 1, data.length);
    Fuzz.checkAllocation(() -> read(which, bytes), bytes.length, 1 << 20, 256, "reader " + which);
  }

  private static void read(int which, byte[] bytes) {
    try {
      switch (which) {
        case 0 -> wireError(bytes);
        case 1 -> menu(bytes);
        case 2 -> handle(Worker.CODEC, bytes);
        case 3 -> handle(TYPED, bytes);
        case 4 -> settings(bytes);
        default -> preamble(bytes);
      }
    } catch (CodecException e) {
      if (Fuzz.wrapsStrayException(e) || e.offset() < 0 || e.offset() > bytes.length) {
        throw new AssertionError("bad CodecException: " + e.getMessage(), e);
      }
    }
  }

  /** Writes the seed corpus: valid encodings of each structure, and edge counts. */
  @Test
  @EnabledIfSystemProperty(named = Fuzz.WRITE_SEEDS, matches = "true")
  void writeSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    BinaryWriter w = new BinaryWriter().writeByte(0);
    IllegalStateException error = new IllegalStateException("outer", new IllegalArgumentException("inner"));
    StackTraceElement[] stack = {new StackTraceElement("a.B", "m", "B.java", 7), new StackTraceElement("a.C", "n", null, -2)};
    error.setStackTrace(stack);
    error.getCause().setStackTrace(stack);
    WireError.writeRemote(error, "w1", w);
    seeds.put("0-remote-error-with-cause", w.toByteArray());
    w = new BinaryWriter().writeByte(0);
    WireError.writeInfra(ErrorCode.LIMIT_EXCEEDED, "too many calls", w);
    seeds.put("0-infra-error", w.toByteArray());
    seeds.put("0-remote-error-frame-count-2e32", Fuzz.b(0, 0, 1, 'C', 0, 1, 'w', 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0, 0));
    w = new BinaryWriter().writeByte(1);
    new Menu(List.of(new Menu.Entry(0, "sum", "i32->i32"), new Menu.Entry(1, "pipe", "unit->list<string>"))).write(w);
    seeds.put("1-menu", w.toByteArray());
    seeds.put("1-menu-count-2e31", Fuzz.b(1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0, 0));
    seeds.put("2-handle", Fuzz.concat(Fuzz.b(2), handle("w1", "java.lang.Object")));
    seeds.put("2-handle-without-name", Fuzz.concat(Fuzz.b(2), handle(null, "x")));
    seeds.put("3-typed-handle", Fuzz.concat(Fuzz.b(3), handle("w2", Spec.class.getName())));
    seeds.put("4-default-settings", Fuzz.concat(Fuzz.b(4), RpcSettings.CODEC.toBytes(RpcSettings.defaults())));
    seeds.put("4-smallest-settings", Fuzz.concat(Fuzz.b(4), RpcSettings.CODEC.toBytes(RpcSettings.builder()
        .maxMessageSize(1024).streamWindow(1024).writeBufferLimit(64 << 10).maxConcurrentCalls(1).maxOpenStreams(1)
        .handshakeTimeout(java.time.Duration.ofNanos(1)).heartbeatInterval(java.time.Duration.ofNanos(1))
        .heartbeatTimeout(java.time.Duration.ofNanos(1)).build())));
    seeds.put("5-preamble", Fuzz.concat(Fuzz.b(5), Preamble.clientPreamble()));
    seeds.put("5-preamble-versions-1-255", Fuzz.concat(Fuzz.b(5), Arrays.copyOf(Preamble.MAGIC, 6), Fuzz.b(1, 255)));
    Fuzz.writeSeeds(WireFormatsFuzzTest.class, "read", seeds);
  }

  /** A handle's encoding, written field by field (the constructor is not public). */
  private static byte[] handle(String name, String spec) {
    UUID id = UUID.fromString("00000000-0000-0000-0000-000000000042");
    BinaryWriter w = new BinaryWriter().writeFixedLong(id.getMostSignificantBits()).writeFixedLong(id.getLeastSignificantBits());
    w.writeBoolean(name != null);
    if (name != null) {
      w.writeString(name);
    }
    w.writeString("127.0.0.1").writeVarInt(40000).writeString(spec);
    RpcSettings.CODEC.encode(RpcSettings.defaults(), w);
    w.writeBytes(new byte[32]).writeUnsignedVarLong(3).writeUnsignedVarLong(0);
    return w.toByteArray();
  }

  private static void wireError(byte[] bytes) {
    RuntimeException e = WireError.read(new BinaryReader(bytes));
    BinaryWriter out = new BinaryWriter();
    if (e instanceof WireException w) {
      WireError.writeInfra(w.code(), w.getMessage(), out);
    } else if (e instanceof RemoteFailure r) {
      WireError.writeRemote(r, r.worker(), out);
    } else {
      throw new AssertionError("WireError.read returned " + e.getClass());
    }
    RuntimeException again = WireError.read(new BinaryReader(out.toByteArray()));
    if (!describe(e).equals(describe(again))) {
      throw new AssertionError("error changed in a round trip:\n" + describe(e) + "\n" + describe(again));
    }
  }

  /** Everything a peer learns from an error, except the workers of causes (written as the top one's). */
  private static String describe(RuntimeException e) {
    if (e instanceof WireException w) {
      return "infra " + w.code() + " " + w.getMessage();
    }
    StringBuilder sb = new StringBuilder(((RemoteFailure) e).worker());
    for (RemoteFailure r = (RemoteFailure) e; r != null; r = r.remoteCause()) {
      sb.append(" | ").append(r.className()).append(": ").append(r.remoteMessage()).append(' ')
          .append(Arrays.toString(r.stack()));
    }
    return sb.toString();
  }

  private static void menu(byte[] bytes) {
    Menu m = Menu.read(new BinaryReader(bytes));
    BinaryWriter out = new BinaryWriter();
    m.write(out);
    if (!Menu.read(new BinaryReader(out.toByteArray())).entries().equals(m.entries())) {
      throw new AssertionError("menu changed in a round trip");
    }
    for (Menu.Entry e : m.entries()) {
      if (m.at(e.index()) != e) {
        throw new AssertionError("entry " + e.index() + " is not at its index");
      }
    }
  }

  private static <T> void handle(Codec<T> codec, byte[] bytes) {
    T w = codec.decode(new BinaryReader(bytes));
    if (!Objects.equals(codec.fromBytes(codec.toBytes(w)), w)) {
      throw new AssertionError("handle changed in a round trip: " + w);
    }
  }

  private static void settings(byte[] bytes) {
    RpcSettings s = RpcSettings.CODEC.decode(new BinaryReader(bytes));
    if (!RpcSettings.CODEC.fromBytes(RpcSettings.CODEC.toBytes(s)).equals(s)) {
      throw new AssertionError("settings changed in a round trip: " + s);
    }
    // What a worker does with decoded settings must not fail either.
    s.toBuilder().build();
  }

  private static void preamble(byte[] bytes) {
    if (bytes.length < Preamble.LENGTH) {
      return;
    }
    int version;
    try {
      version = Preamble.negotiate(Arrays.copyOf(bytes, Preamble.LENGTH));
    } catch (IllegalArgumentException refused) {
      return;
    }
    if (version < Preamble.MIN_VERSION || version > Preamble.MAX_VERSION) {
      throw new AssertionError("negotiated version " + version);
    }
  }
}
