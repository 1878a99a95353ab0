package dev.rpcparallel.internal.core;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;

/** Feeds a channel's bytes and lifecycle events to its {@link Session}; releases every buffer. */
final class ChannelBridge extends ChannelInboundHandlerAdapter {
  private final Session session;

  ChannelBridge(Session session) {
    this.session = session;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (session instanceof ClientSession c) {
      c.onActive();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      if (buf.nioBufferCount() == 1) {
        session.onBytes(buf.nioBuffer());
      } else {
        for (ByteBuffer b : buf.nioBuffers()) {
          session.onBytes(b);
        }
      }
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    session.onInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.onTransportError(cause);
  }
}
