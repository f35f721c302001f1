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
 *
 * Shading: a copy of GoNetpoll and Netty relocated under one package prefix (io.netty -> p.q.io.netty,
 * io.gonetpoll -> p.q.io.gonetpoll) ships this library as lib<mangled prefix>gonetpoll_native_<arch>.so, the name
 * Netty's NativeLibraryLoader asks for (p.q. mangled: '_' -> "_1", '.' -> '_', so p_q_). JNI_OnLoad reads the
 * prefix back from the file name the library was loaded from, as Netty's own libraries do, and every class of
 * io/netty/ and io/gonetpoll/ is looked up under it (gonetpoll_jni_find_class, loadClassUninitialised,
 * netty_unix_register for unix-common's). No table's signature names such a class, so the tables need no relocation.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gonetpoll_jni.h"
#include "netty_unix.h"

// IMPORTANT: must match the class io.gonetpoll.channel.Native (Native.java). A JNI name, with slashes, unrelocated.
#define NATIVE_CLASS "io/gonetpoll/channel/Native"
// IMPORTANT: must match the class io.gonetpoll.channel.SocketNative (SocketNative.java). A binary name, with
// dots, for Class.forName; unrelocated.
#define SOCKET_NATIVE_CLASS "io.gonetpoll.channel.SocketNative"

// The library's file name after "lib" and the mangled package prefix, up to the architecture. IMPORTANT: must match
// LIBRARY_NAME_PREFIX in Native.java.
#define LIBRARY_NAME "gonetpoll_native_"

// The package prefix the classes of io/netty/ and io/gonetpoll/ were relocated under, as JNI spells it ("p/q/"),
// or "" where they were not. Set by JNI_OnLoad before any class is looked up; freed by JNI_OnUnload.
static char* packagePrefix = NULL;

static jclass loadClassUninitialised(JNIEnv* env, jclass sibling, const char* binaryName);

// Whether name, spelled with separator between packages, is of a package a shading tool relocates.
static int isRelocatable(const char* name, char separator) {
    const char* packages[] = { "io/netty/", "io/gonetpoll/" };
    for (size_t p = 0; p < sizeof(packages) / sizeof(packages[0]); p++) {
        size_t i = 0;
        for (; packages[p][i] != '\0'; i++) {
            char expected = packages[p][i] == '/' ? separator : packages[p][i];
            if (name[i] != expected) {
                break;
            }
        }
        if (packages[p][i] == '\0') {
            return 1;
        }
    }
    return 0;
}

// A copy of name (spelled with separator: '/' for a JNI name, '.' for a binary name) where a shading tool put it:
// behind packagePrefix if it is of io/netty/ or io/gonetpoll/. NULL if out of memory.
static char* relocated(const char* name, char separator) {
    size_t prefixLength = isRelocatable(name, separator) ? strlen(packagePrefix) : 0;
    char* result = malloc(prefixLength + strlen(name) + 1);
    if (result == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < prefixLength; i++) {
        result[i] = packagePrefix[i] == '/' ? separator : packagePrefix[i];
    }
    strcpy(result + prefixLength, name);
    return result;
}

jclass gonetpoll_jni_find_class(JNIEnv* env, const char* name) {
    char* relocatedName = relocated(name, '/');
    if (relocatedName == NULL) {
        return NULL;
    }
    jclass result = (*env)->FindClass(env, relocatedName);
    free(relocatedName);
    return result;
}

// The package prefix in the file name libraryPath, lib<mangled prefix>gonetpoll_native_<arch>[...].so, unmangled
// ("_1" -> '_', '_' -> '/'): "" for an unprefixed name, NULL if the name is not of that form or memory ran out.
// A mangled prefix ends with '_' (the dot after the last package of the prefix), so a prefix ends with '/'.
static char* parsePackagePrefix(const char* libraryPath) {
    const char* slash = strrchr(libraryPath, '/');
    const char* fileName = slash == NULL ? libraryPath : slash + 1;
    if (strncmp(fileName, "lib", 3) != 0) {
        return NULL;
    }
    const char* mangled = fileName + 3;
    const char* end = strstr(mangled, LIBRARY_NAME);
    if (end == NULL || (end > mangled && end[-1] != '_')) {
        return NULL;
    }
    char* prefix = malloc(end - mangled + 1);
    if (prefix == NULL) {
        return NULL;
    }
    char* out = prefix;
    for (const char* in = mangled; in < end; in++) {
        if (in[0] == '_' && in + 1 < end && in[1] == '1') {
            *out++ = '_';
            in++;
        } else {
            *out++ = in[0] == '_' ? '/' : in[0];
        }
    }
    *out = '\0';
    return prefix;
}

// Reads packagePrefix from the file this library was loaded from. Returns JNI_OK, or JNI_ERR with an
// UnsatisfiedLinkError pending that names the file.
static jint loadPackagePrefix(JNIEnv* env) {
    Dl_info info;
    // A function of this library, not an exported one: another copy of it (another prefix) may be loaded too.
    if (dladdr((void*) parsePackagePrefix, &info) == 0 || info.dli_fname == NULL) {
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/UnsatisfiedLinkError"),
                         "GoNetpoll: dladdr cannot name the file of its JNI library");
        return JNI_ERR;
    }
    packagePrefix = parsePackagePrefix(info.dli_fname);
    if (packagePrefix == NULL) {
        char message[512];
        snprintf(message, sizeof(message), "GoNetpoll: the JNI library's file name is not "
                 "lib<mangled package prefix>" LIBRARY_NAME "<arch>.so: %s", info.dli_fname);
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/UnsatisfiedLinkError"), message);
        return JNI_ERR;
    }
    return JNI_OK;
}

static void freePackagePrefix(void) {
    free(packagePrefix);
    packagePrefix = NULL;
}

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
    jint version = netty_unix_register(env, packagePrefix);
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

// Loads the class binaryName (relocated as gonetpoll_jni_find_class does) with the class loader of
// sibling, without initialising it. FindClass would run its static initialiser, and SocketNative's reads constants
// through the natives this library is about to register. Returns NULL with an exception pending on failure.
static jclass loadClassUninitialised(JNIEnv* env, jclass sibling, const char* binaryName) {
    jclass result = NULL;
    jobject loader = NULL;
    jstring name = NULL;
    char* relocatedName = NULL;
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
    relocatedName = relocated(binaryName, '.');
    if (relocatedName == NULL) {
        goto done;
    }
    name = (*env)->NewStringUTF(env, relocatedName);
    if (name == NULL) {
        goto done;
    }
    jvalue args[3] = { { .l = name }, { .z = JNI_FALSE }, { .l = loader } };
    result = (jclass) (*env)->CallStaticObjectMethodA(env, classClass, forName, args);
    if ((*env)->ExceptionCheck(env)) {
        result = NULL;
    }
done:
    free(relocatedName);
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

    if (loadPackagePrefix(env) != JNI_OK) {
        goto error;
    }
    if (socket_extras_load(env) != JNI_OK) {
        goto error_prefix;
    }
    // Native's static initialiser is what loads this library, so FindClass finds it being initialised by this
    // thread and does not run the initialiser again.
    nativeClass = gonetpoll_jni_find_class(env, NATIVE_CLASS);
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
error_prefix:
    freePackagePrefix();
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
    freePackagePrefix();
}
