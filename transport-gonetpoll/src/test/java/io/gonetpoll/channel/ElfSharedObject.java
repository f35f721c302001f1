package io.gonetpoll.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parts of a 64-bit little-endian ELF shared object (x86_64 and aarch64 Linux) that tell whether a JVM of that
 * architecture can load it as a JNI library: the header's type and machine, the functions its dynamic symbol table
 * exports, and the libraries it needs (DT_NEEDED). Read with nothing but the file, so that a library built for a
 * machine this JVM cannot run is checked all the same. Layouts: the System V gABI, chapters 4 and 5.
 */
final class ElfSharedObject {
    static final int EM_X86_64 = 62;
    static final int EM_AARCH64 = 183;

    private static final int ET_DYN = 3;
    private static final int SHT_DYNAMIC = 6;
    private static final int SHT_DYNSYM = 11;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final int STB_GLOBAL = 1;
    private static final int STB_WEAK = 2;
    private static final int STT_FUNC = 2;
    private static final int STV_DEFAULT = 0;

    final int machine;
    /** Defined functions of default visibility with global or weak binding: what dlsym and the JVM can find. */
    final Set<String> exportedFunctions = new TreeSet<>();
    final Set<String> needed = new TreeSet<>();

    private ElfSharedObject(int machine) {
        this.machine = machine;
    }

    /** Reads {@code file}; throws {@link IOException} if it is not a 64-bit little-endian ELF shared object. */
    static ElfSharedObject read(Path file) throws IOException {
        ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.limit() < 64 || elf.getInt(0) != 0x464c457f) {
            throw new IOException(file + ": no ELF magic");
        }
        if (elf.get(4) != 2 || elf.get(5) != 1) {
            throw new IOException(file + ": not ELFCLASS64 / ELFDATA2LSB (class " + elf.get(4) + ", data " + elf.get(5) + ")");
        }
        int type = Short.toUnsignedInt(elf.getShort(16));
        if (type != ET_DYN) {
            throw new IOException(file + ": e_type " + type + ", not ET_DYN");
        }
        ElfSharedObject result = new ElfSharedObject(Short.toUnsignedInt(elf.getShort(18)));
        long sectionHeaders = elf.getLong(40);
        int headerSize = Short.toUnsignedInt(elf.getShort(58));
        int sections = Short.toUnsignedInt(elf.getShort(60));
        for (int i = 0; i < sections; i++) {
            int header = Math.toIntExact(sectionHeaders + (long) i * headerSize);
            int sectionType = elf.getInt(header + 4);
            if (sectionType != SHT_DYNSYM && sectionType != SHT_DYNAMIC) {
                continue;
            }
            int offset = Math.toIntExact(elf.getLong(header + 24));
            int size = Math.toIntExact(elf.getLong(header + 32));
            int strings = stringTableOffset(elf, sectionHeaders, headerSize, elf.getInt(header + 40));
            int entrySize = Math.toIntExact(elf.getLong(header + 56));
            for (int entry = offset; entry + entrySize <= offset + size; entry += entrySize) {
                if (sectionType == SHT_DYNSYM) {
                    result.addSymbol(elf, entry, strings);
                } else if (!result.addDynamic(elf, entry, strings)) {
                    break;
                }
            }
        }
        return result;
    }

    private void addSymbol(ByteBuffer elf, int symbol, int strings) {
        int info = Byte.toUnsignedInt(elf.get(symbol + 4));
        int visibility = elf.get(symbol + 5) & 0x3;
        int section = Short.toUnsignedInt(elf.getShort(symbol + 6));
        int binding = info >> 4;
        if ((info & 0xf) == STT_FUNC && section != 0 && visibility == STV_DEFAULT
                && (binding == STB_GLOBAL || binding == STB_WEAK)) {
            exportedFunctions.add(string(elf, strings + elf.getInt(symbol)));
        }
    }

    /** Records a DT_NEEDED; returns false at DT_NULL, the end of the table. */
    private boolean addDynamic(ByteBuffer elf, int entry, int strings) {
        long tag = elf.getLong(entry);
        if (tag == DT_NEEDED) {
            needed.add(string(elf, strings + Math.toIntExact(elf.getLong(entry + 8))));
        }
        return tag != DT_NULL;
    }

    private static int stringTableOffset(ByteBuffer elf, long sectionHeaders, int headerSize, int index) {
        return Math.toIntExact(elf.getLong(Math.toIntExact(sectionHeaders + (long) index * headerSize) + 24));
    }

    private static String string(ByteBuffer elf, int start) {
        int end = start;
        while (elf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        elf.get(start, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
