/**
 * A user's module on the module path, compiled and run by ModulePathEchoTest: it requires the transport's module
 * by name, which gives it Netty's transport, common and unix-common modules, and Netty's buffer module for the
 * ByteBufs it handles itself (as a user of Netty's own modules requires it).
 */
module io.gonetpoll.modulepath {
    requires io.gonetpoll.transport;
    requires io.netty.buffer;
}
