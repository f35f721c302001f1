/*
 * The library's JVM entry points and nothing else: JNI_OnLoad registers netpoll_epoll.c's method table on
 * io.gonetpoll.channel.Native and socket_extras.c's on io.gonetpoll.channel.SocketNative, plus this file's
 * natives, Native.registerUnix and Native.registerUnixFillIns (natives newer Netty releases declare, filled in
 * here); JNI_OnUnload releases what OnLoad kept. No syscall lives here.
 *
 * Sockets, socket options, read/write/writev and errno -> NativeIoException come from Netty's own
 * libnetty-unix-common.a, linked into this library with --whole-archive. registerUnix registers its natives
 * (netty_unix_register); Native.java calls it through Unix.registerInternal, the way Netty's epoll transport
 * does, which serialises with Netty's own native transports loaded in the same JVM.
 */
#include <errno.h>
#include <jni.h>
#include <stddef.h>

#include "gonetpoll_jni.h"
#include "netty_unix.h"

// IMPORTANT: must match the class io.gonetpoll.channel.Native (Native.java). A JNI name, with slashes.
#define NATIVE_CLASS "io/gonetpoll/channel/Native"
// IMPORTANT: must match the class io.gonetpoll.channel.SocketNative (SocketNative.java). A binary name, with
// dots, for Class.forName.
#define SOCKET_NATIVE_CLASS "io.gonetpoll.channel.SocketNative"

static jclass loadClassUninitialised(JNIEnv* env, jclass sibling, const char* binaryName);

// Natives that the io.netty.channel.unix classes of Netty releases newer than the libnetty-unix-common.a linked
// here declare: 4.2.0 to 4.2.19 declare the same 92 natives as the 4.2.17 archive, 4.2.20 adds
// ErrorsStaticallyReferencedJniMethods.errnoENAMETOOLONG. Each is registered after netty_unix_register, and only
// where the running class declares it (RegisterNatives fails for a method the class lacks).
// IMPORTANT: every fill-in must be listed in UnixNatives.java's FILL_INS, the list the availability check trusts.
static jint gonetpoll_jni_errnoENAMETOOLONG(JNIEnv* env, jclass clazz) { return ENAMETOOLONG; }

// One table per class with fill-ins, one method per table: each method is registered on its own, since a
// release may declare one and not another.
static const JNINativeMethod errorsFillIns[] = {
    { "errnoENAMETOOLONG", "()I", (void*) gonetpoll_jni_errnoENAMETOOLONG },
};

// Registers the one method of fillIn on the class className (a binary name, with dots) if that class declares it.
static void registerFillIn(JNIEnv* env, jclass sibling, const char* className, const JNINativeMethod* fillIn) {
    jclass target = loadClassUninitialised(env, sibling, className);
    if (target == NULL) {
        // A release without the class: nothing to fill in.
        (*env)->ExceptionClear(env);
        return;
    }
    if ((*env)->RegisterNatives(env, target, fillIn, 1) != 0) {
        // NoSuchMethodError: a release that does not declare this native.
        (*env)->ExceptionClear(env);
    }
    (*env)->DeleteLocalRef(env, target);
}

static void registerFillIns(JNIEnv* env, jclass sibling) {
    registerFillIn(env, sibling, "io.netty.channel.unix.ErrorsStaticallyReferencedJniMethods", errorsFillIns);
}

static jint gonetpoll_jni_registerUnix(JNIEnv* env, jclass clazz) {
    // Returns the JNI version on success, which Native.java checks.
    jint version = netty_unix_register(env, NULL);
    if (version > 0) {
        registerFillIns(env, clazz);
    }
    return version;
}

// Netty's own epoll or io_uring serves the unix natives (NettyNativeTransports.java): only the fill-ins.
static void gonetpoll_jni_registerUnixFillIns(JNIEnv* env, jclass clazz) {
    registerFillIns(env, clazz);
}

static const JNINativeMethod nativeMethods[] = {
    { "registerUnix", "()I", (void*) gonetpoll_jni_registerUnix },
    { "registerUnixFillIns", "()V", (void*) gonetpoll_jni_registerUnixFillIns },
};

// Loads the class binaryName with the class loader of sibling, without initialising it. FindClass would run its
// static initialiser, and SocketNative's reads constants through the natives this library is about to register.
// Returns NULL with an exception pending on failure.
static jclass loadClassUninitialised(JNIEnv* env, jclass sibling, const char* binaryName) {
    jclass result = NULL;
    jobject loader = NULL;
    jstring name = NULL;
    jclass classClass = (*env)->FindClass(env, "java/lang/Class");
    if (classClass == NULL) {
        return NULL;
    }
    jmethodID getClassLoader = (*env)->GetMethodID(env, classClass, "getClassLoader", "()Ljava/lang/ClassLoader;");
    if (getClassLoader == NULL) {
        goto done;
    }
    jmethodID forName = (*env)->GetStaticMethodID(env, classClass, "forName",
                                                  "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;");
    if (forName == NULL) {
        goto done;
    }
    loader = (*env)->CallObjectMethod(env, sibling, getClassLoader);
    if ((*env)->ExceptionCheck(env)) {
        goto done;
    }
    name = (*env)->NewStringUTF(env, binaryName);
    if (name == NULL) {
        goto done;
    }
    jvalue args[3] = { { .l = name }, { .z = JNI_FALSE }, { .l = loader } };
    result = (jclass) (*env)->CallStaticObjectMethodA(env, classClass, forName, args);
    if ((*env)->ExceptionCheck(env)) {
        result = NULL;
    }
done:
    if (name != NULL) {
        (*env)->DeleteLocalRef(env, name);
    }
    if (loader != NULL) {
        (*env)->DeleteLocalRef(env, loader);
    }
    (*env)->DeleteLocalRef(env, classClass);
    return result;
}

// UnregisterNatives must not run with an exception pending, and the failure being unwound usually left one
// (the JVM rethrows it from System.load): it is set aside meanwhile.
static void unregisterNatives(JNIEnv* env, jclass clazz) {
    jthrowable pending = (*env)->ExceptionOccurred(env);
    if (pending != NULL) {
        (*env)->ExceptionClear(env);
    }
    (*env)->UnregisterNatives(env, clazz);
    if (pending != NULL) {
        (*env)->Throw(env, pending);
        (*env)->DeleteLocalRef(env, pending);
    }
}

// On failure the JVM unloads the library again, so every method already registered is unregistered on the
// way out: none may be left pointing into unmapped code.
JNIEXPORT jint JNI_OnLoad(JavaVM* vm, void* reserved) {
    JNIEnv* env;
    if ((*vm)->GetEnv(vm, (void**) &env, JNI_VERSION_1_6) != JNI_OK) {
        return JNI_ERR;
    }
    jclass nativeClass = NULL;
    jclass socketNativeClass = NULL;
    const JNINativeMethod* table;
    jint count;

    if (socket_extras_load(env) != JNI_OK) {
        goto error;
    }
    // Native's static initialiser is what loads this library, so FindClass finds it being initialised by this
    // thread and does not run the initialiser again.
    nativeClass = (*env)->FindClass(env, NATIVE_CLASS);
    if (nativeClass == NULL) {
        goto error_socket_extras;
    }
    table = netpoll_epoll_methods(&count);
    // RegisterNatives can fail half-way, so a failure here already has something to unregister.
    if ((*env)->RegisterNatives(env, nativeClass, nativeMethods, sizeof(nativeMethods) / sizeof(nativeMethods[0]))
            != JNI_OK
            || (*env)->RegisterNatives(env, nativeClass, table, count) != JNI_OK) {
        goto error_native;
    }
    socketNativeClass = loadClassUninitialised(env, nativeClass, SOCKET_NATIVE_CLASS);
    if (socketNativeClass == NULL) {
        goto error_native;
    }
    table = socket_extras_methods(&count);
    if ((*env)->RegisterNatives(env, socketNativeClass, table, count) != JNI_OK) {
        goto error_socket_native;
    }
    netpoll_epoll_load();
    (*env)->DeleteLocalRef(env, socketNativeClass);
    (*env)->DeleteLocalRef(env, nativeClass);
    return JNI_VERSION_1_6;

error_socket_native:
    unregisterNatives(env, socketNativeClass);
    (*env)->DeleteLocalRef(env, socketNativeClass);
error_native:
    unregisterNatives(env, nativeClass);
    (*env)->DeleteLocalRef(env, nativeClass);
error_socket_extras:
    socket_extras_unload(env);
error:
    return JNI_ERR;
}

// Runs once the class loader that loaded the library has been collected, taking Native and SocketNative with
// it: there is nothing to unregister (and FindClass, called from here, searches the system class loader, where
// it could only find other copies of those classes).
JNIEXPORT void JNI_OnUnload(JavaVM* vm, void* reserved) {
    JNIEnv* env;
    if ((*vm)->GetEnv(vm, (void**) &env, JNI_VERSION_1_6) != JNI_OK) {
        return;
    }
    socket_extras_unload(env);
}
