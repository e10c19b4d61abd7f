package io.reflex.trainer.cache.trace;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The compression of a trace file, chosen by its extension ({@code .gz}, {@code .xz},
 * {@code .zst}/{@code .zstd}; anything else is read as is), so that every reader and writer handles
 * compressed files transparently. Codecs: the JDK's gzip (concatenated members included), XZ for
 * Java (dictionaries up to {@value #XZ_MEMORY_LIMIT_KIB} KiB), and zstd-jni (libzstd; windows up to
 * 2 GiB accepted, as libCacheSim's long-window traces need). Streams come back buffered. Stateless
 * and thread-safe.
 */
public enum Compression {
    NONE,
    GZIP,
    XZ,
    ZSTD;

    private static final int BUFFER = 1 << 16;
    /**
     * The most memory an .xz file may ask of its decoder, in KiB: 256 MiB, four times what the
     * largest xz preset needs ({@code -9}, a 64 MiB dictionary). XZ for Java allocates, on the Java
     * heap and before decoding a byte, the dictionary a file's header declares (up to 1.5 GiB), so a
     * 56-byte file could otherwise take 1.5 GiB or end the read with an OutOfMemoryError; over the
     * limit the read fails with an IOException saying how much was asked. (libzstd allocates its
     * window outside the heap and only as data fills it.)
     */
    static final int XZ_MEMORY_LIMIT_KIB = 256 << 10;

    /** The compression a file's name implies. */
    public static Compression of(Path file) {
        return ofName(file.getFileName() == null ? "" : file.getFileName().toString());
    }

    /**
     * The compression a file name implies, for files on other file systems (HDFS, object stores)
     * that have a name but no {@link Path}.
     */
    public static Compression ofName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            return GZIP;
        }
        if (name.endsWith(".xz")) {
            return XZ;
        }
        if (name.endsWith(".zst") || name.endsWith(".zstd")) {
            return ZSTD;
        }
        return NONE;
    }

    /** Opens the file for reading, decompressing as its name implies. The caller closes the stream. */
    public static InputStream openInput(Path file) throws IOException {
        return of(file).decompress(Files.newInputStream(file));
    }

    /**
     * Buffers {@code raw} and decompresses it with this codec; on failure {@code raw} is closed. The
     * caller closes the returned stream (which closes {@code raw}).
     */
    public InputStream decompress(InputStream raw) throws IOException {
        InputStream buffered = new BufferedInputStream(raw, BUFFER);
        try {
            return switch (this) {
                case NONE -> buffered;
                case GZIP -> new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
                case XZ -> new BufferedInputStream(new XZInputStream(buffered, XZ_MEMORY_LIMIT_KIB), BUFFER);
                case ZSTD -> new BufferedInputStream(new ZstdInputStream(buffered).setLongMax(31), BUFFER);
            };
        } catch (IOException | RuntimeException e) {
            buffered.close();
            throw e;
        }
    }

    /** Creates (or replaces) the file for writing, compressing as its name implies. The caller closes it. */
    public static OutputStream openOutput(Path file) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
        try {
            return switch (of(file)) {
                case NONE -> raw;
                case GZIP -> new BufferedOutputStream(new GZIPOutputStream(raw, BUFFER), BUFFER);
                case XZ -> new BufferedOutputStream(new XZOutputStream(raw, new LZMA2Options(6)), BUFFER);
                case ZSTD -> new BufferedOutputStream(new ZstdOutputStream(raw, 3), BUFFER);
            };
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
