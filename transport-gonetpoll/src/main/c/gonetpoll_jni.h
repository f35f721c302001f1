/*
 * What each native file gives gonetpoll_jni.c, which alone registers methods with the JVM: its method table
 * and the steps it needs at load and unload time. With -fvisibility=hidden none of this leaves the library.
 */
#ifndef GONETPOLL_JNI_H_
#define GONETPOLL_JNI_H_

#include <jni.h>

// gonetpoll_jni.c: FindClass(name), a JNI name (with slashes); a class of io/netty/ or io/gonetpoll/ is found where
// a shading tool relocated it. Returns NULL with an exception pending if there is no such class (or none pending,
// if memory ran out).
jclass gonetpoll_jni_find_class(JNIEnv* env, const char* name);

// netpoll_epoll.c: the natives of io.gonetpoll.channel.Native, except registerUnix (gonetpoll_jni.c's own).
const JNINativeMethod* netpoll_epoll_methods(jint* count);
// Probes epoll_pwait2 once; cannot fail (an unsupported call leaves it reported as unsupported).
void netpoll_epoll_load(void);

// socket_extras.c: the natives of io.gonetpoll.channel.SocketNative.
const JNINativeMethod* socket_extras_methods(jint* count);
// Looks up the class and fields sendfile reads, and PeerCredentials' constructor. Returns JNI_OK, or JNI_ERR
// (with the lookup's exception pending, if it threw one) and nothing left to undo.
jint socket_extras_load(JNIEnv* env);
// Undoes socket_extras_load; safe with an exception pending.
void socket_extras_unload(JNIEnv* env);

#endif /* GONETPOLL_JNI_H_ */
