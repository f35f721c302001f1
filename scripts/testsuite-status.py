#!/usr/bin/env python3
"""Writes docs/testsuite-status.md from the surefire reports of integration-tests.

Run after `scripts/test.sh` (or `mvn install`): python3 scripts/testsuite-status.py
"""
import glob
import os
import xml.etree.ElementTree as ET
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORTS = os.path.join(ROOT, "integration-tests", "target", "surefire-reports")
OUT = os.path.join(ROOT, "docs", "testsuite-status.md")

# The classes Netty's epoll module runs from the testsuite: the io.netty.testsuite.transport.socket classes
# that netty/netty's transport-native-epoll/src/test/java/io/netty/channel/epoll/ subclasses, and its
# EpollEventLoopTest (Netty's AbstractSingleThreadEventLoopTest), listed as "EventLoopTest", our class's name
# without its prefix. See docs/testing.md#nettys-testsuite.
EPOLL_RUNS = {
    "CompositeBufferGatheringWriteTest", "SocketAddressesTest", "SocketAutoReadTest",
    "SocketChannelNotYetConnectedTest", "SocketCloseForciblyTest", "SocketConditionalWritabilityTest",
    "SocketConnectTest", "SocketConnectionAttemptTest", "SocketDataReadInitialStateTest", "SocketEchoTest",
    "SocketExceptionHandlingTest", "SocketFileRegionTest", "SocketFixedLengthEchoTest", "SocketGatheringWriteTest",
    "SocketHalfClosedTest", "SocketMultipleConnectTest", "SocketObjectEchoTest", "SocketReadPendingTest",
    "SocketRstTest", "SocketShutdownOutputByPeerTest", "SocketShutdownOutputBySelfTest",
    "SocketSslClientRenegotiateTest", "SocketSslEchoTest", "SocketSslGreetingTest", "SocketSslSessionReuseTest",
    "SocketStartTlsTest", "SocketStringEchoTest", "WriteBeforeRegisteredTest", "EventLoopTest",
    # EpollSocketStringEchoBusyWaitTest: SocketStringEchoTest on loops whose SelectStrategy is BUSY_WAIT.
    "SocketStringEchoBusyWaitTest",
    # Its Unix-domain set (EpollDomainSocket*Test, EpollAbstractDomainSocketEchoTest).
    "DomainSocketAddressesTest", "DomainSocketDataReadInitialStateTest", "DomainSocketEchoTest",
    "AbstractDomainSocketEchoTest", "DomainSocketFdTest", "DomainSocketFileRegionTest",
    "DomainSocketFixedLengthEchoTest", "DomainSocketGatheringWriteTest", "DomainSocketObjectEchoTest",
    "DomainSocketReuseFdTest", "DomainSocketShutdownOutputByPeerTest", "DomainSocketSslClientRenegotiateTest",
    "DomainSocketSslEchoTest", "DomainSocketSslGreetingTest", "DomainSocketStartTlsTest",
    "DomainSocketStringEchoTest",
    # Its datagram set (EpollDatagram*Test, EpollDomainDatagramUnicastTest); the IPv6-socket, IPv4-group multicast
    # class is not run here (docs/testing.md says why), so it shows as missing.
    "DatagramUnicastTest", "DatagramUnicastIPv6Test", "DatagramUnicastIPv6MappedTest", "DatagramMulticastTest",
    "DatagramMulticastIPv6Test", "DatagramMulticastIpv6WithIpv4AddrTest", "DatagramConnectNotExistsTest",
    "DatagramConnectedWriteExceptionTest", "DomainDatagramUnicastTest",
}


# Netty's assumptions carry no message; why they fail here, checked against the test sources.
ASSUMPTION_REASONS = {
    "GoNetpollEventLoopTest": "supportsChannelIteration() is false: Netty 4.2's SingleThreadIoEventLoop has no "
                              "registered-channel iterator (epoll enables these only for its legacy EpollEventLoop)",
    "GoNetpollDomainDatagramUnicastTest": "testReceiveEmptyDatagrams: an AssertJ assumption of Netty's test (an "
                                          "address it expects not to be null) is not met on Unix-domain datagram "
                                          "sockets; not investigated further",
    "GoNetpollSocketSslClientRenegotiateTest": "OpenSsl.isRenegotiationSupported() is false with BoringSSL "
                                               "(netty-tcnative-boringssl-static); Netty skips them the same way",
    "GoNetpollDomainSocketSslClientRenegotiateTest": "OpenSsl.isRenegotiationSupported() is false with BoringSSL "
                                                     "(netty-tcnative-boringssl-static); Netty skips them the same "
                                                     "way",
}


def main():
    rows = []
    for path in sorted(glob.glob(os.path.join(REPORTS, "TEST-io.gonetpoll.it.*.xml"))):
        suite = ET.parse(path).getroot()
        name = name_of(suite)
        reasons = Counter()
        for case in suite.iter("testcase"):
            skipped = case.find("skipped")
            if skipped is not None:
                text = (skipped.get("message") or skipped.text or "").strip().splitlines()
                full = text[0] if text else "(no reason given)"
                reason = full[:140]
                if ("Assumption failed" in reason or "TestAbortedException" in reason) \
                        and name_of(suite) in ASSUMPTION_REASONS:
                    reason = ASSUMPTION_REASONS[name_of(suite)]
                elif full.endswith("is @Disabled"):
                    reason = "@Disabled in Netty's testsuite"
                reasons[reason] += 1
        base = name[len("GoNetpoll"):] if name.startswith("GoNetpoll") else name
        rows.append((name, base, int(suite.get("tests")), int(suite.get("failures")), int(suite.get("errors")),
                     int(suite.get("skipped")), reasons, "testsuite" in suite.get("name")))
    if not rows:
        raise SystemExit("no reports under " + REPORTS + ": run the tests first")
    with open(OUT, "w") as out:
        out.write("# Netty testsuite and integration tests on GoNetpoll\n\n")
        out.write("Generated by `scripts/testsuite-status.py` from the surefire reports of `integration-tests`.\n")
        out.write("Netty 4.2.17.Final testsuite; permutations as Netty's epoll module (GoNetpoll and NIO on each\n")
        out.write("side, NIO x NIO excluded, client TCP Fast Open where `/proc/sys/net/ipv4/tcp_fastopen` allows).\n\n")
        for title, suite_rows in (("Netty testsuite classes", [r for r in rows if r[7]]),
                                  ("Our integration tests", [r for r in rows if not r[7]])):
            total = Counter()
            out.write("## " + title + "\n\n| class | epoll runs it | tests | failures | errors | skipped | skip reason |\n")
            out.write("|---|---|---|---|---|---|---|\n")
            for name, base, tests, failures, errors, skipped, reasons, _ in suite_rows:
                total.update(tests=tests, failures=failures, errors=errors, skipped=skipped)
                why = "; ".join("%d x %s" % (n, r.replace("|", "/")) for r, n in reasons.items())
                epoll = "yes" if base in EPOLL_RUNS else "no (extra)" if title.startswith("Netty") else ""
                out.write("| %s | %s | %d | %d | %d | %d | %s |\n" % (name, epoll, tests, failures, errors, skipped, why))
            out.write("| **total** | | **%d** | **%d** | **%d** | **%d** | |\n\n"
                      % (total["tests"], total["failures"], total["errors"], total["skipped"]))
        covered = {r[1] for r in rows}
        missing = sorted(EPOLL_RUNS - covered)
        out.write("Epoll classes not run here: " + (", ".join(missing) if missing else "none") + ".\n")
    print("wrote", OUT)


def name_of(suite):
    return suite.get("name").rsplit(".", 1)[1]


if __name__ == "__main__":
    main()
