package dev.rpcparallel.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Netty link's write path over a real loopback socket: small frames are copied together into
 * shared buffers and large ones written in slices, so the test mixes both, from several threads
 * at once, and checks that every frame arrives whole and in each sender's order, and that every
 * frame's "written" future completes (also for frames sharing a buffer).
 */
class NettyLinkTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private final NettyTransport transport = new NettyTransport(2, refusal -> {});

  @AfterEach
  void shutdown() {
    transport.shutdown();
  }

  @Test
  void smallAndLargeFramesFromSeveralThreadsArriveWholeAndInOrderAndEachWriteCompletes() throws Exception {
    int senders = 4;
    int perSender = 3_000;
    List<byte[]> received = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(senders * perSender);
    int port = transport.listen("127.0.0.1", 0, link -> new Receiver(link, received, all)).port();
    CompletableFuture<Link> client = new CompletableFuture<>();
    transport.connect("127.0.0.1", port, TIMEOUT, Optional.empty(), link -> new Sender(link, client)).get(20, TimeUnit.SECONDS);
    Link link = client.get(20, TimeUnit.SECONDS);

    List<CompletableFuture<Void>> written = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      int sender = s;
      Thread t = new Thread(() -> {
        Random random = new Random(sender);
        for (int i = 0; i < perSender; i++) {
          // mostly small frames (batched), now and then one over the 64 KiB small-frame limit
          int size = i % 500 == 499 ? 64 * 1024 + 1 + random.nextInt(200_000) : 9 + random.nextInt(300);
          ByteBuffer frame = ByteBuffer.allocate(size);
          frame.putInt(sender).putInt(i).put((byte) (i * 31 + sender));
          CompletableFuture<Void> w = i % 3 == 0 ? new CompletableFuture<>() : null;
          if (w != null) {
            written.add(w);
          }
          link.send(new BinaryWriter(size).writeRaw(frame.array(), 0, size), w);
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(all.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("every frame arrived").isTrue();
    CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    assertThat(written).hasSize(senders * ((perSender + 2) / 3));

    int[] next = new int[senders];
    for (byte[] frame : received) {
      ByteBuffer b = ByteBuffer.wrap(frame);
      int sender = b.getInt();
      int i = b.getInt();
      assertThat(i).as("frame order of sender %d", sender).isEqualTo(next[sender]++);
      assertThat(b.get()).isEqualTo((byte) (i * 31 + sender));
    }
    assertThat(next).containsOnly(perSender);
  }

  @Test
  void framesSentAfterTheLinkClosedFailTheirWrittenFutures() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    List<Sender> senders = new CopyOnWriteArrayList<>();
    int port = transport.listen("127.0.0.1", 0, link -> new Receiver(link, new ArrayList<>(), never)).port();
    CompletableFuture<Link> client = new CompletableFuture<>();
    transport.connect("127.0.0.1", port, TIMEOUT, Optional.empty(), link -> {
      Sender s = new Sender(link, client);
      senders.add(s);
      return s;
    }).get(20, TimeUnit.SECONDS);
    Link link = client.get(20, TimeUnit.SECONDS);
    Sender sender = senders.get(0);
    link.close();
    sender.disconnected.get(20, TimeUnit.SECONDS);
    CompletableFuture<Void> late = new CompletableFuture<>();
    link.send(new BinaryWriter(16).writeRaw(new byte[16], 0, 16), late);
    assertThat(late).failsWithin(TIMEOUT);
  }

  /**
   * Netty's outbound buffer (and so the write-buffer limit, its high water mark) counts a
   * message's readable bytes, not its capacity: a batch buffer must not be much larger than what
   * it holds. Sized from the whole queue, with tiny frames queued up behind a slow reader, 64 KiB
   * buffers held ~9 KiB each, ~7x what the limit counts (found by an attacker's review).
   */
  @Test
  void batchBuffersHoldNoMoreThanTwiceWhatTheWriteBufferLimitCounts() throws Exception {
    int frames = 20_000;
    CountDownLatch received = new CountDownLatch(frames);
    int port = transport.listen("127.0.0.1", 0, link -> new Receiver(link, new CopyOnWriteArrayList<>(), received)).port();
    CompletableFuture<Link> client = new CompletableFuture<>();
    transport.connect("127.0.0.1", port, Duration.ofSeconds(20), Optional.empty(), link -> new Sender(link, client))
        .get(20, TimeUnit.SECONDS);
    Link link = client.get(20, TimeUnit.SECONDS);
    Field f = NettyLink.class.getDeclaredField("channel");
    f.setAccessible(true);
    Channel channel = (Channel) f.get(link);
    List<int[]> seen = new CopyOnWriteArrayList<>(); // {capacity, readable}
    channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf b) {
          seen.add(new int[] {b.capacity(), b.readableBytes()});
        }
        super.write(ctx, msg, promise);
      }
    });
    // Frames queue up while the event loop is busy (as they do while the peer does not read).
    CountDownLatch hold = new CountDownLatch(1);
    channel.eventLoop().execute(() -> {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (int i = 0; i < frames; i++) {
      link.send(new BinaryWriter(16).writeRaw(new byte[] {1, 2, 3, 4, 5}, 0, 5), null); // e.g. a credit or a tiny item
    }
    seen.clear();
    hold.countDown();
    assertThat(received.await(20, TimeUnit.SECONDS)).as("every frame arrived").isTrue();
    long capacity = seen.stream().mapToLong(s -> s[0]).sum();
    long readable = seen.stream().mapToLong(s -> s[1]).sum();
    assertThat(capacity).as("direct memory of the batch buffers vs the bytes Netty counts against the limit")
        .isLessThanOrEqualTo(2 * readable);
  }

  /** Client side: sends the preamble, then hands out its link. */
  private static final class Sender implements LinkHandler {
    private final Link link;
    private final CompletableFuture<Link> ready;
    final CompletableFuture<String> disconnected = new CompletableFuture<>();

    Sender(Link link, CompletableFuture<Link> ready) {
      this.link = link;
      this.ready = ready;
    }

    @Override
    public void onConnected() {
      link.sendPreamble(Preamble.clientPreamble());
      ready.complete(link);
    }

    @Override
    public void onPreamble(byte[] preamble) {}

    @Override
    public void onFrame(byte[] body) {}

    @Override
    public void onFramingError(ErrorCode code, String reason) {}

    @Override
    public void onDisconnected(String detail) {
      disconnected.complete(detail);
    }
  }

  /** Server side: accepts frames up to 1 MiB and keeps them. */
  private static final class Receiver implements LinkHandler {
    private final Link link;
    private final List<byte[]> received;
    private final CountDownLatch counted;

    Receiver(Link link, List<byte[]> received, CountDownLatch counted) {
      this.link = link;
      this.received = received;
      this.counted = counted;
    }

    @Override
    public void onConnected() {}

    @Override
    public void onPreamble(byte[] preamble) {
      if (!Arrays.equals(preamble, Preamble.clientPreamble())) {
        link.close();
      }
      link.trust(1 << 20);
    }

    @Override
    public void onFrame(byte[] body) {
      received.add(body);
      counted.countDown();
    }

    @Override
    public void onFramingError(ErrorCode code, String reason) {
      throw new AssertionError("framing error " + code + ": " + reason);
    }

    @Override
    public void onDisconnected(String detail) {}
  }
}
