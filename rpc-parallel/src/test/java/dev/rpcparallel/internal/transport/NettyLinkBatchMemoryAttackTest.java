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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Netty's outbound buffer (and so the write-buffer limit, its high water mark) counts a message's
 * readable bytes, not its capacity. A batch buffer is sized from the bytes still queued, but a
 * drain stops after BATCH (1024) frames: with tiny frames queued up (a peer that reads slowly),
 * every buffer was 64 KiB holding ~9 KiB, so the memory held was ~7x what the limit accounts for
 * (found by an attacker's review). Buffers are now sized by what one drain can put in them.
 */
class NettyLinkBatchMemoryAttackTest {
  private final NettyTransport transport = new NettyTransport(2, refusal -> {});

  @AfterEach
  void shutdown() {
    transport.shutdown();
  }

  @Test
  void batchBuffersHoldNoMoreThanTwiceWhatTheWriteBufferLimitCounts() throws Exception {
    int frames = 20_000;
    CountDownLatch received = new CountDownLatch(frames);
    int port = transport.listen("127.0.0.1", 0, link -> new Sink(link, received)).port();
    CompletableFuture<Link> client = new CompletableFuture<>();
    transport.connect("127.0.0.1", port, Duration.ofSeconds(20), Optional.empty(), link -> new Src(link, client))
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

  private static final class Src implements LinkHandler {
    private final Link link;
    private final CompletableFuture<Link> ready;

    Src(Link link, CompletableFuture<Link> ready) {
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
    public void onDisconnected(String detail) {}
  }

  private static final class Sink implements LinkHandler {
    private final Link link;
    private final CountDownLatch received;

    Sink(Link link, CountDownLatch received) {
      this.link = link;
      this.received = received;
    }

    @Override
    public void onConnected() {}

    @Override
    public void onPreamble(byte[] preamble) {
      link.trust(1 << 20);
    }

    @Override
    public void onFrame(byte[] body) {
      received.countDown();
    }

    @Override
    public void onFramingError(ErrorCode code, String reason) {}

    @Override
    public void onDisconnected(String detail) {}
  }
}
