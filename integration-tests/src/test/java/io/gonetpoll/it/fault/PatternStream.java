package io.gonetpoll.it.fault;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An endless pseudo-random byte stream, different for every seed, that can be written and checked piecewise:
 * byte {@code p} is byte {@code p % 8} (little-endian) of {@code mix(seed + p / 8)}. Writers and checkers keep
 * only a position, so a test can verify gigabytes without holding them.
 */
final class PatternStream {
    private final long seed;
    /** Bytes produced or checked so far. */
    private long position;

    PatternStream(long seed) {
        this.seed = mix(seed);
    }

    long position() {
        return position;
    }

    /**
     * Appends the next {@code length} bytes (a multiple of 8, from an 8-aligned position) to {@code buf}. Through
     * one NIO view: with the leak detector at PARANOID every ByteBuf access records a stack trace.
     */
    void writeTo(ByteBuf buf, int length) {
        if ((length & 7) != 0 || (position & 7) != 0) {
            throw new IllegalArgumentException("unaligned write: position " + position + ", length " + length);
        }
        buf.ensureWritable(length);
        ByteBuffer view = buf.nioBuffer(buf.writerIndex(), length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < length; i += 8) {
            view.putLong(i, word(position >>> 3));
            position += 8;
        }
        buf.writerIndex(buf.writerIndex() + length);
    }

    /**
     * Checks the readable bytes of {@code buf} (left unread) against the next bytes of the stream and advances
     * past them. Returns the stream position of the first byte that differs, or {@code -1}.
     */
    long check(ByteBuf buf) {
        ByteBuffer view = buf.nioBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int index = 0;
        int end = view.limit();
        // Byte by byte up to an 8-aligned stream position, then whole words, then the tail.
        while (index < end && (position & 7) != 0) {
            if (view.get(index++) != byteAt(position)) {
                return position;
            }
            position++;
        }
        while (end - index >= 8) {
            if (view.getLong(index) != word(position >>> 3)) {
                return firstDifference(view, index);
            }
            index += 8;
            position += 8;
        }
        while (index < end) {
            if (view.get(index++) != byteAt(position)) {
                return position;
            }
            position++;
        }
        return -1;
    }

    private long firstDifference(ByteBuffer view, int index) {
        for (int i = 0; ; i++) {
            if (view.get(index + i) != byteAt(position + i)) {
                return position + i;
            }
        }
    }

    private byte byteAt(long p) {
        return (byte) (word(p >>> 3) >>> ((p & 7) << 3));
    }

    private long word(long wordIndex) {
        return mix(seed + wordIndex);
    }

    /** SplitMix64's finalizer: neighbouring inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
