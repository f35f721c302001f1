/**
 * GoNetpoll: a Netty 4.2 transport whose IO loop is Go's netpoller. Layers, from the kernel up:
 * <ul>
 *   <li><b>native</b>: {@code Native} (epoll, eventfd: Go's {@code netpoll_epoll.go}), {@code SocketNative}
 *   (sendfile, FIONREAD, TCP_INFO, SO_PEERCRED, a Unix stream read that reports MSG_CTRUNC, datagram
 *   recvfrom/sendto, multicast membership, option constants), {@code GoNetpollSocket} (Netty's unix socket plus
 *   those), {@code GoNetpollDomainSocket} (its Unix stream connection) and {@code GoNetpollDatagramSocket}, {@link io.gonetpoll.channel.GoNetpoll} (is it available here);</li>
 *   <li><b>loop core</b>: {@link io.gonetpoll.channel.GoNetpollIoHandler} (wait, dispatch, ready queue; one
 *   {@code epoll_ctl(ADD)} per socket, never {@code MOD}), {@code RegistrationTable}/{@code EventData}
 *   (stale events dropped by generation), {@code Wakeup}, {@code ReadyQueue};</li>
 *   <li><b>observability</b>: {@code LoopCounters}, {@code LoopHeartbeat} (turns), {@code StallMonitor} (Go's
 *   {@code sysmon}), {@link io.gonetpoll.channel.GoNetpollLoopCounters} snapshots,
 *   {@link io.gonetpoll.channel.GoNetpollLoopMetric}, {@link io.gonetpoll.channel.GoNetpollStallListener}, the
 *   {@link io.gonetpoll.channel.GoNetpollLoopMXBean} and the JFR events;</li>
 *   <li><b>poll descriptor</b>: {@code PollDesc}, each side's readiness latch (Go's {@code rg}/{@code wg}),
 *   the only place the edge-triggered state machine lives;</li>
 *   <li><b>deadlines</b>: {@code Deadlines} (one owner per channel), {@code DeadlineTimer},
 *   {@code SharedDeadlineWheel}, {@link io.gonetpoll.channel.GoNetpollDeadlineChannel};</li>
 *   <li><b>channels</b>: {@code AbstractGoNetpollChannel}, its stream, listener and datagram bases, the TCP
 *   leaves {@link io.gonetpoll.channel.GoNetpollSocketChannel} and
 *   {@link io.gonetpoll.channel.GoNetpollServerSocketChannel}, the Unix-domain leaves
 *   {@link io.gonetpoll.channel.GoNetpollDomainSocketChannel} and
 *   {@link io.gonetpoll.channel.GoNetpollServerDomainSocketChannel}, and the datagram leaves
 *   {@link io.gonetpoll.channel.GoNetpollDatagramChannel} (UDP) and
 *   {@link io.gonetpoll.channel.GoNetpollDomainDatagramChannel} (Unix);</li>
 *   <li><b>configs</b>: one per channel base and leaf, options in {@code ChannelOptionTable}s.</li>
 * </ul>
 * The map with the read, flush and deadline paths: {@code docs/architecture.md} in the repository.
 */
package io.gonetpoll.channel;
