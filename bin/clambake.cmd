@echo off
rem Runs clambake.jar with start-up flags for a JVM that lives for one command: an AppCDS archive
rem made and refreshed by the JVM itself (JDK 19+; older JDKs ignore the flags), C1 only, serial GC.
rem   CLAMBAKE_JAR, CLAMBAKE_JAVA, CLAMBAKE_CACHE override the jar, the java and the archive folder.
setlocal
set "JAR=%CLAMBAKE_JAR%"
if "%JAR%"=="" if exist "%~dp0clambake.jar" set "JAR=%~dp0clambake.jar"
if "%JAR%"=="" set "JAR=%~dp0..\target\clambake.jar"
set "JAVA=%CLAMBAKE_JAVA%"
if "%JAVA%"=="" if not "%JAVA_HOME%"=="" set "JAVA=%JAVA_HOME%\bin\java.exe"
if "%JAVA%"=="" set "JAVA=java"
set "CACHE=%CLAMBAKE_CACHE%"
if "%CACHE%"=="" set "CACHE=%LOCALAPPDATA%\clambake\cache"
if not exist "%CACHE%" mkdir "%CACHE%" >nul 2>&1
for %%F in ("%JAR%") do set "KEY=%%~zF-%%~tF"
set "KEY=%KEY::=%"
set "KEY=%KEY:/=%"
set "KEY=%KEY: =%"
"%JAVA%" -XX:+IgnoreUnrecognizedVMOptions -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xlog:disable ^
  -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="%CACHE%\clambake-%KEY%.jsa" -jar "%JAR%" %*
exit /b %ERRORLEVEL%
