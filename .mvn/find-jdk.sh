# Sourced by ./flash4j and ./mvnw: sets JAVA_HOME to a JDK >= 25 or explains how to get one.
_java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
_is_jdk25() { [ -n "$1" ] && [ -x "$1/bin/javac" ] && v=$(_java_major "$1") && [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; }
find_jdk25() {
  if _is_jdk25 "${JAVA_HOME:-}"; then echo "$JAVA_HOME"; return 0; fi
  local d
  for d in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/*3[0-9]* /usr/lib/jvm/* /opt/java/* /opt/jdk* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if _is_jdk25 "$d"; then echo "$d"; return 0; fi
  done
  if command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if _is_jdk25 "$d"; then echo "$d"; return 0; fi
  fi
  return 1
}
if ! JAVA_HOME=$(find_jdk25); then
  echo "flash4j: needs a JDK 25 or newer; install one (e.g. 'apt-get install temurin-25-jdk' from Adoptium's repository) and set JAVA_HOME to it" >&2
  exit 1
fi
export JAVA_HOME
