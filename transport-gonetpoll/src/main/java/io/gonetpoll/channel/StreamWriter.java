package io.gonetpoll.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IovArray;
import io.netty.channel.unix.SocketWritableByteChannel;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The write syscalls of a stream channel ({@link AbstractGoNetpollStreamChannel}): one call per method, each returning what it costs the flush's write
 * quantum ({@code WRITE_SPIN_COUNT}). The results, documented once here:
 * <ul>
 *   <li>{@code 0}: no syscall was needed (an empty buffer or an already-written region was removed);</li>
 *   <li>{@code 1}: one syscall wrote something;</li>
 *   <li>{@link #SOCKET_BUFFER_FULL}: the syscall wrote nothing (EAGAIN), so the flush must park.</li>
 * </ul>
 * Loop thread only.
 */
final class StreamWriter {
    /** Larger than any write quantum, so subtracting it makes the quantum negative: "park". */
    static final int SOCKET_BUFFER_FULL = Integer.MAX_VALUE;
    /** Gathering writes smaller than this never shrink the cap (Netty uses the same threshold). */
    private static final int MAX_BYTES_PER_GATHERING_WRITE_LOW_THRESHOLD = 4096;

    private final AbstractGoNetpollStreamChannel channel;
    private final GoNetpollSocket socket;
    private WritableByteChannel byteChannel;

    StreamWriter(AbstractGoNetpollStreamChannel channel) {
        this.channel = channel;
        this.socket = channel.socket;
    }

    /** Writes the flushed {@link ByteBuf}s at the head of {@code in} with one {@code writev}. */
    int writeGathering(ChannelOutboundBuffer in) throws IOException {
        GoNetpollStreamChannelConfig config = channel.streamConfig();
        long maxBytes = config.getMaxBytesPerGatheringWrite();
        IovArray array = channel.ioHandler().iovArray();
        array.clear();
        array.maxBytes(maxBytes);
        try {
            in.forEachFlushedMessage(array);
        } catch (Exception e) {
            throw new IOException(e);
        }
        if (array.count() == 0) {
            in.removeBytes(0);
            return 0;
        }
        long attempted = array.size();
        long written = socket.writevAddresses(array.memoryAddress(0), array.count());
        count(written);
        if (written <= 0) {
            return SOCKET_BUFFER_FULL;
        }
        adjustMaxBytesPerGatheringWrite(config, attempted, written, maxBytes);
        in.removeBytes(written);
        return 1;
    }

    /**
     * Writes the message at the head of {@code in}: a {@link ByteBuf}, a {@link FileRegion}, or (only Unix-domain
     * channels let one through their filter) a {@link FileDescriptor} to pass to the peer.
     */
    int writeSingle(ChannelOutboundBuffer in) throws IOException {
        Object msg = in.current();
        if (msg instanceof ByteBuf) {
            return writeBytes(in, (ByteBuf) msg);
        }
        if (msg instanceof DefaultFileRegion) {
            return writeDefaultFileRegion(in, (DefaultFileRegion) msg);
        }
        if (msg instanceof FileRegion) {
            return writeFileRegion(in, (FileRegion) msg);
        }
        if (msg instanceof FileDescriptor) {
            return writeFileDescriptor(in, (FileDescriptor) msg);
        }
        throw new IllegalStateException("unexpected message type: " + StringUtil.className(msg));
    }

    private int writeBytes(ChannelOutboundBuffer in, ByteBuf buf) throws IOException {
        int readable = buf.readableBytes();
        if (readable == 0) {
            in.remove();
            return 0;
        }
        long written;
        if (buf.hasMemoryAddress()) {
            written = socket.sendAddress(buf.memoryAddress(), buf.readerIndex(), buf.writerIndex());
        } else if (buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), readable);
            written = socket.send(nio, nio.position(), nio.limit());
        } else {
            ByteBuffer[] nioBuffers = buf.nioBuffers();
            GoNetpollStreamChannelConfig config = channel.streamConfig();
            long maxBytes = config.getMaxBytesPerGatheringWrite();
            long attempted = Math.min(readable, maxBytes);
            written = socket.writev(nioBuffers, 0, nioBuffers.length, attempted);
            if (written > 0) {
                adjustMaxBytesPerGatheringWrite(config, attempted, written, maxBytes);
            }
        }
        count(written);
        if (written <= 0) {
            return SOCKET_BUFFER_FULL;
        }
        in.removeBytes(written);
        return 1;
    }

    /**
     * {@code sendfile(2)}: the bytes never pass through the JVM. A region over a {@code FileChannel} of another
     * file system than the default one has no file descriptor to send from; it is copied like any other region.
     */
    private int writeDefaultFileRegion(ChannelOutboundBuffer in, DefaultFileRegion region) throws IOException {
        long offset = region.transferred();
        long count = region.count();
        if (offset >= count) {
            in.remove();
            return 0;
        }
        long written = socket.sendFile(region, region.position(), offset, count - offset);
        if (written == SocketNative.SENDFILE_FOREIGN_CHANNEL) {
            return writeFileRegion(in, region);
        }
        count(written);
        if (written > 0) {
            in.progress(written);
            if (region.transferred() >= count) {
                in.remove();
            }
            return 1;
        }
        if (written == 0) {
            // sendfile(2) returns 0 only at the end of the input file: the file is shorter than the region.
            // Fail instead of waiting forever for bytes that cannot come (DefaultFileRegion.transferTo does too).
            throw new IOException("file of " + region + " ends before the region does: nothing to send at "
                    + (region.position() + offset));
        }
        return SOCKET_BUFFER_FULL;
    }

    /** Any other {@link FileRegion} writes itself through a channel over our socket. */
    private int writeFileRegion(ChannelOutboundBuffer in, FileRegion region) throws IOException {
        if (region.transferred() >= region.count()) {
            in.remove();
            return 0;
        }
        if (byteChannel == null) {
            byteChannel = new WritableByteChannel(socket, channel);
        }
        long written = region.transferTo(byteChannel, region.transferred());
        count(written);
        if (written > 0) {
            in.progress(written);
            if (region.transferred() >= region.count()) {
                in.remove();
            }
            return 1;
        }
        return SOCKET_BUFFER_FULL;
    }

    /**
     * Netty's {@code sendFd}: one byte with the descriptor attached ({@code SCM_RIGHTS}), as Netty's epoll sends
     * it. The descriptor stays open here: the caller owns it, the peer receives a duplicate.
     */
    private int writeFileDescriptor(ChannelOutboundBuffer in, FileDescriptor fd) throws IOException {
        int written = socket.sendFd(fd.intValue());
        count(written);
        if (written > 0) {
            in.remove();
            return 1;
        }
        return SOCKET_BUFFER_FULL;
    }

    private void count(long written) {
        channel.counters().writeSyscall(written);
    }

    /** Netty's adaptive cap: grow when everything went, halve when the kernel took less than half. */
    private static void adjustMaxBytesPerGatheringWrite(GoNetpollStreamChannelConfig config, long attempted,
                                                        long written, long oldMaxBytes) {
        if (attempted == written) {
            if (attempted << 1 > oldMaxBytes) {
                config.setMaxBytesPerGatheringWrite(attempted << 1);
            }
        } else if (attempted > MAX_BYTES_PER_GATHERING_WRITE_LOW_THRESHOLD && written < attempted >>> 1) {
            config.setMaxBytesPerGatheringWrite(attempted >>> 1);
        }
    }

    /** Lets a {@link FileRegion} write into the socket; heap buffers are copied to direct memory first. */
    private static final class WritableByteChannel extends SocketWritableByteChannel {
        private final AbstractGoNetpollStreamChannel channel;

        WritableByteChannel(GoNetpollSocket socket, AbstractGoNetpollStreamChannel channel) {
            super(socket);
            this.channel = channel;
        }

        @Override
        protected ByteBufAllocator alloc() {
            return channel.alloc();
        }
    }
}
