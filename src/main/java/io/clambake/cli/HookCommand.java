package io.clambake.cli;

import io.clambake.claude.Briefing;
import io.clambake.claude.ClaudeCodeProcess;
import io.clambake.claude.HookEvent;
import io.clambake.claude.HookPayload;
import io.clambake.claude.Launcher;
import io.clambake.config.ProjectNames;
import io.clambake.db.AgentSessionDao;
import io.clambake.db.Database;
import io.clambake.db.InstanceDao;
import io.clambake.db.LeaseDao;
import io.clambake.db.MemoryDao;
import io.clambake.db.MessageDao;
import io.clambake.db.MessageQueries;
import io.clambake.domain.ClambakeException;
import io.clambake.domain.ExitCode;
import io.clambake.domain.Instance;
import io.clambake.domain.Lease;
import io.clambake.domain.LeaseTarget;
import io.clambake.domain.MemoryScope;
import io.clambake.domain.MemoryStatus;
import io.clambake.domain.Message;
import io.clambake.domain.MessageType;
import io.clambake.domain.NameGenerator;
import io.clambake.domain.Page;
import io.clambake.domain.Rules;
import io.clambake.git.Repository;
import io.clambake.output.LeaseText;
import io.clambake.output.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "hook",
        description = {
            "Run by Claude Code's hooks: reads the hook's JSON on stdin, answers in Claude Code's format.",
            "SessionStart registers and briefs; UserPromptSubmit and PostToolUse remind of new messages;"
                    + " PreToolUse (file edits) denies an edit under another live instance's exclusive lease and warns"
                    + " of another's recent edit of the file; PostToolUse records edits; SessionEnd deregisters.",
            "Stop (run in the background, asyncRewake) waits for mail that should wake the idle agent;"
                    + " when some comes it prints a reminder on stderr and exits 2, which wakes it. It exits 0"
                    + " when its wait ends, when the session ends or a newer Stop of the session replaces it,"
                    + " and at once under non-interactive claude -p (CLAUDE_CODE_ENTRYPOINT=sdk-cli or"
                    + " CLAUDE_CODE_SESSION_ATTENDED=0). No message is shown to a session twice.",
            "Fail-open: once its command line is parsed, a problem (bad input, an option out of range, the"
                    + " database down) is one line on stderr, and the exit code is 0."
        })
final class HookCommand extends Verb {
    @Mixin
    DatabaseOptions database;

    /**
     * Bounds a hook to a few seconds when the database does not answer, whatever the URL says:
     * loginTimeout caps the whole connect (both attempts of sslmode=prefer), socketTimeout each query.
     */
    static final String FAIL_FAST = "connectTimeout=2&loginTimeout=3&socketTimeout=5&connectRetry=2";

    @Option(
            names = "--project",
            paramLabel = "P",
            description = "Project to register (default: the git repository's name).")
    String project;

    @Option(
            names = "--tool-interval",
            paramLabel = "DURATION",
            defaultValue = "30s",
            description = "After a tool call, look for new messages at most this often; 0s to 1h"
                    + " (default: ${DEFAULT-VALUE}).")
    String toolInterval;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "5",
            description = "Messages per reminder, 1 to 50 (default: ${DEFAULT-VALUE}); the rest follow in later"
                    + " reminders.")
    int limit;

    @Option(
            names = "--edit-window",
            paramLabel = "DURATION",
            defaultValue = "15m",
            description = "Before a file edit, warn of another live instance's edit of the file this recent; 0s to"
                    + " 24h, 0s: never (default: ${DEFAULT-VALUE}).")
    String editWindow;

    private Duration window;

    @Option(
            names = "--stop-wait",
            paramLabel = "TIME",
            defaultValue = "30m",
            description = "How long a Stop hook waits for mail; 0s to 55m (default: ${DEFAULT-VALUE}).")
    String stopWait;

    @Option(
            names = "--wake",
            paramLabel = "KINDS",
            split = ",",
            hideParamSyntax = true,
            defaultValue = "direct,blocker,warning",
            description = "What wakes an idle agent at a Stop: direct (every direct message) and message"
                    + " types, broadcasts included (info, warning, blocker, request, done); default:"
                    + " ${DEFAULT-VALUE}.")
    List<String> wake;

    private Duration interval;
    private Duration waitFor;
    private MessageDao.Wake wakeOn;

    /** The answer is always Claude Code's hook JSON. */
    @Override
    boolean takesJson() {
        return false;
    }

    @Override
    protected int run(Session session) {
        HookPayload payload;
        try {
            payload = HookPayload.read(environment().stdin());
        } catch (IOException | RuntimeException e) {
            return complain(null, Text.oneLine(String.valueOf(e.getMessage()), 300), e);
        }
        try {
            // Options are checked before the database is touched; a bad one still fails open.
            interval = Rules.duration("--tool-interval", toolInterval, Rules.TOOL_INTERVAL);
            window = Rules.duration("--edit-window", editWindow, Rules.EDIT_WINDOW);
            waitFor = Rules.duration("--stop-wait", stopWait, Rules.STOP_WAIT);
            wakeOn = wake(wake);
            if (limit < 1 || limit > 50) {
                throw ClambakeException.invalid("--limit must be between 1 and 50");
            }
        } catch (ClambakeException e) {
            return complain(payload, e.getMessage(), e);
        }
        try {
            session.parameters(FAIL_FAST);
            Optional<HookEvent> event = HookEvent.of(payload.event());
            if (event.orElse(null) == HookEvent.STOP) {
                return stop(session, payload);
            }
            String context = event.isEmpty()
                    ? null
                    : switch (event.get()) {
                        case SESSION_START -> start(session, payload);
                        case USER_PROMPT_SUBMIT -> prompt(session, payload);
                        case PRE_TOOL_USE -> beforeEdit(session, payload);
                        case POST_TOOL_USE -> toolUse(session, payload);
                        case SESSION_END -> end(session, payload);
                        case STOP -> null;
                    };
            if (context != null) {
                printJson(event.get().context(context));
            }
        } catch (Exception e) {
            return complain(payload, e instanceof ClambakeException ? e.getMessage() : String.valueOf(e), e);
        }
        return ExitCode.OK;
    }

    private String start(Session session, HookPayload payload) throws Exception {
        boolean continued = payload.continuesConversation();
        AgentSessionDao.Attached attached = attach(session, payload, !continued);
        boolean persisted = persistIdentity(attached.instance());
        return briefing(session, payload, attached, persisted, continued);
    }

    private String prompt(Session session, HookPayload payload) throws Exception {
        Optional<Instance> me = new AgentSessionDao(session.db()).touch(sessionId(payload), Duration.ZERO);
        if (me.isEmpty()) {
            // No SessionStart got through (the database was down, or hooks came mid-session): start now.
            return briefing(session, payload, attach(session, payload, false), false, false);
        }
        Instance instance =
                me.get().live() ? me.get() : attach(session, payload, false).instance();
        return reminder(session, payload, instance);
    }

    /**
     * Denies an edit of a file under another live instance's exclusive lease; warns of another
     * live instance's recent edit of it; else prints nothing (never "allow": Claude Code's own
     * permissions decide). One statement. A file outside the repository has no lease.
     */
    private String beforeEdit(Session session, HookPayload payload) throws Exception {
        Optional<String> path = repositoryPath(session, payload);
        if (path.isEmpty()) {
            return null;
        }
        String fallbackProject = Rules.project(project != null ? project : ProjectNames.guess(cwd(session, payload)));
        LeaseDao.EditCheck check =
                new LeaseDao(session.db()).beforeEdit(sessionId(payload), fallbackProject, path.get(), window);
        if (!check.leases().isEmpty()) {
            Lease lease = check.leases().get(0);
            printJson(HookEvent.deny("Clambake: not now. "
                    + LeaseText.held(LeaseTarget.relative(path.get()), lease, check.now())
                    + ". Work on something else meanwhile; do not edit this file another way."));
            return null;
        }
        if (window.isZero() || check.edits().isEmpty()) {
            return null;
        }
        LeaseDao.Edit edit = check.edits().get(0);
        return "Clambake: " + edit.editor() + " (host " + edit.host() + ", task: "
                + (edit.task() == null ? "(none)" : Text.oneLine(edit.task(), 100)) + ") edited " + path.get() + " "
                + Text.age(edit.editedAt(), check.now())
                + (check.edits().size() > 1
                        ? " (and " + (check.edits().size() - 1) + " other instance"
                                + (check.edits().size() == 2 ? "" : "s") + ")"
                        : "")
                + ". You may be converging on the same work: message them (clambake send --to " + edit.editor()
                + ") or take a lease first (clambake lease '" + path.get() + "').";
    }

    /** The edited file's path relative to the repository root of the hook's directory, if it lies inside. */
    private Optional<String> repositoryPath(Session session, HookPayload payload) {
        if (!HookEvent.editsFiles(payload.toolName())
                || payload.filePath() == null
                || payload.filePath().isBlank()) {
            return Optional.empty();
        }
        Path cwd = cwd(session, payload);
        Path root = Repository.containing(cwd).map(Repository::top).orElse(cwd);
        Path file = cwd.resolve(payload.filePath()).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            return Optional.empty();
        }
        return Optional.of(root.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
    }

    private static Path cwd(Session session, HookPayload payload) {
        return session.directory(payload.cwd());
    }

    private String toolUse(Session session, HookPayload payload) throws Exception {
        Optional<String> edited = repositoryPath(session, payload);
        if (edited.isPresent()) {
            new LeaseDao(session.db()).recordEdit(sessionId(payload), edited.get());
        }
        Optional<Instance> me = new AgentSessionDao(session.db()).touch(sessionId(payload), interval);
        return me.filter(Instance::live).isPresent() ? reminder(session, payload, me.get()) : null;
    }

    private String end(Session session, HookPayload payload) throws Exception {
        new AgentSessionDao(session.db()).end(sessionId(payload));
        return null;
    }

    /**
     * Waits for mail that should wake the agent, and wakes it: exit 2 with a reminder on stderr.
     * Everything else ends in exit 0 and silence, since a Stop hook's exit 2 is a wake-up call.
     */
    private int stop(Session session, HookPayload payload) throws Exception {
        if ("sdk-cli".equals(environment().get("CLAUDE_CODE_ENTRYPOINT"))
                || "0".equals(environment().get("CLAUDE_CODE_SESSION_ATTENDED"))) {
            return ExitCode.OK; // under claude -p a Stop hook holds up the run
        }
        String id = sessionId(payload);
        Optional<AgentSessionDao.Waiting> waiting = new AgentSessionDao(session.db()).startWaiter(id);
        if (waiting.isEmpty() || waitFor.isZero()) {
            return ExitCode.OK;
        }
        long generation = waiting.get().generation();
        // Claude Code killed (not ended: no SessionEnd) leaves its background hooks orphaned; they stop with it.
        Long claude = ClaudeCodeProcess.ofHook(id, environment()).pid();
        BooleanSupplier claudeAlive = () -> claude == null
                || ProcessHandle.of(claude).map(ProcessHandle::isAlive).orElse(false);
        Optional<String> woken = Mail.await(
                session,
                waitFor,
                Mail.WAKERS,
                c -> {
                    Optional<Instance> me = new AgentSessionDao(c).stillWaiting(id, generation);
                    if (me.isEmpty() || !me.get().live()) {
                        return Optional.of(""); // replaced by a newer waiter, or the session ended
                    }
                    Page<Message> fresh = new MessageDao(c).remind(me.get(), id, limit, false, wakeOn);
                    return fresh.items().isEmpty()
                            ? Optional.empty()
                            : Optional.of(Briefing.reminder(me.get(), fresh, Database.now(c)));
                },
                claudeAlive);
        if (woken.isEmpty() || woken.get().isEmpty()) {
            return ExitCode.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(woken.get());
        err.flush();
        return WAKE;
    }

    /** A Stop hook's exit code that wakes the agent, showing its stderr. */
    static final int WAKE = 2;

    private static MessageDao.Wake wake(List<String> kinds) {
        boolean direct = false;
        Set<MessageType> types = EnumSet.noneOf(MessageType.class);
        for (String kind : kinds) {
            if (kind.strip().equals("direct")) {
                direct = true;
            } else {
                try {
                    types.add(MessageType.parse(kind.strip()));
                } catch (ClambakeException e) {
                    throw ClambakeException.invalid(
                            "--wake: unknown kind '" + kind + "' (direct, info, warning, blocker, request, done)");
                }
            }
        }
        return new MessageDao.Wake(direct, types);
    }

    private AgentSessionDao.Attached attach(Session session, HookPayload payload, boolean fresh) throws Exception {
        String id = sessionId(payload);
        Path directory = session.registrable(session.directory(payload.cwd()));
        var request = session.agentSession(id, directory, project, null, ClaudeCodeProcess.ofHook(id, environment()));
        return new AgentSessionDao(session.db()).attach(request, fresh, new NameGenerator(new SecureRandom()));
    }

    private String briefing(
            Session session, HookPayload payload, AgentSessionDao.Attached attached, boolean persisted, boolean again)
            throws Exception {
        Instance me = attached.instance();
        MessageDao messages = new MessageDao(session.db());
        MemoryDao memories = new MemoryDao(session.db());
        List<MemoryStatus> active = List.of(MemoryStatus.ACTIVE);
        return Briefing.start(
                new Briefing.Start(
                        me,
                        attached.siblings(),
                        persisted,
                        commandUnlessOnPath(),
                        new InstanceDao(session.db()).live(null),
                        new MessageQueries(session.db()).blockers(me, Briefing.BLOCKERS),
                        new LeaseDao(session.db()).active(me.project(), null),
                        new MessageQueries(session.db()).unacknowledged(me, Briefing.UNACKNOWLEDGED),
                        messages.remind(me, sessionId(payload), Briefing.UNREAD, again),
                        memories.recall(new MemoryDao.Query(
                                MemoryScope.PROJECT, me.project(), null, null, active, Briefing.PROJECT_MEMORIES)),
                        memories.recall(new MemoryDao.Query(
                                MemoryScope.GLOBAL, null, null, null, active, Briefing.GLOBAL_MEMORIES))),
                session.now());
    }

    private String reminder(Session session, HookPayload payload, Instance me) throws Exception {
        Page<Message> fresh = new MessageDao(session.db()).remind(me, sessionId(payload), limit, false);
        return fresh.items().isEmpty() ? null : Briefing.reminder(me, fresh, session.now());
    }

    /**
     * Later shell commands of the session see CLAMBAKE_INSTANCE through the file Claude Code names.
     * A file it cannot write costs that convenience only: the registration stands.
     */
    private boolean persistIdentity(Instance me) {
        String file = environment().get("CLAUDE_ENV_FILE");
        if (file == null) {
            return false;
        }
        Path path = environment().path(file);
        String line = "export CLAMBAKE_INSTANCE=" + me.name();
        try {
            String existing = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
            if (!existing.lines().toList().contains(line)) {
                String separator = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
                Files.writeString(
                        path,
                        separator + line + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("clambake hook: cannot write CLAUDE_ENV_FILE " + file + ": " + e);
            return false;
        }
    }

    /** The agent's shell has no alias for clambake; when no clambake is on its PATH, say how to run it. */
    private String commandUnlessOnPath() {
        String path = environment().get("PATH");
        for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(environment().path(dir).resolve("clambake"))) {
                return null;
            }
        }
        List<String> launcher = Launcher.detect();
        return launcher.equals(List.of("clambake")) ? null : Launcher.shell(Launcher.forShortRuns(launcher));
    }

    private static String sessionId(HookPayload payload) {
        if (payload.sessionId() == null || payload.sessionId().isBlank()) {
            throw ClambakeException.invalid("hook input has no session_id");
        }
        return payload.sessionId();
    }

    /** One line on stderr; at session start also one line of context, so the agent knows why. */
    private int complain(HookPayload payload, String problem, Exception e) {
        spec.commandLine().getErr().println("clambake hook: " + Text.line(problem));
        if (options.debug) {
            e.printStackTrace(spec.commandLine().getErr());
        }
        spec.commandLine().getErr().flush();
        if (payload != null && HookEvent.of(payload.event()).orElse(null) == HookEvent.SESSION_START) {
            printJson(HookEvent.SESSION_START.context("Clambake (coordination between agent sessions) is "
                    + "unavailable: " + Text.oneLine(problem, 200) + ". Coordination is off until it is back."));
        }
        return ExitCode.OK;
    }
}
