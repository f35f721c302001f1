package io.gonetpoll.channel;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The list of natives the linked libnetty-unix-common.a implements is the list the build's own
 * {@code io.netty.channel.unix} classes declare, apart from fill-ins those classes declare beyond it; and the
 * fill-ins are natives the archive does not have: later releases' additions. Where the archive and the classes come
 * from the same release (the build's default) nothing is beyond it; the version matrix (scripts/test.sh) also runs
 * newer classes over the same archive.
 */
class UnixNativesTest {
    @Test
    void theLinkedListIsWhatTheBuildsClassesDeclareBesideTheFillIns() {
        Set<String> declared = new TreeSet<>(UnixNatives.declared());
        declared.removeAll(UnixNatives.FILL_INS);
        Set<String> linked = new TreeSet<>(UnixNatives.linked());
        assertEquals(declared, linked);
        assertTrue(linked.size() > 50, "a real list: " + linked.size());
    }

    @Test
    void fillInsAreNotTheArchivesOwn() {
        for (String fillIn : UnixNatives.FILL_INS) {
            assertTrue(!UnixNatives.linked().contains(fillIn), fillIn + " is the archive's own");
        }
    }

    @Test
    void theBuildsNettyIsServed() {
        assertNull(UnixNatives.unimplemented());
    }
}
