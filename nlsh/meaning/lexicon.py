"""The words the faithfulness layer reads: verbs and their forms, negation, questions,
corrections, force words and the generic words that never name a program.

Plain data, cheap to import (it runs on every sentence).
"""

from __future__ import annotations

# Verbs that start a request, with the forms people use after "don't want X …",
# "can X be …" and "would … help": base → (past participle, gerund).
VERB_FORMS: dict[str, tuple[str, str]] = {
    "kill": ("killed", "killing"), "terminate": ("terminated", "terminating"),
    "end": ("ended", "ending"), "stop": ("stopped", "stopping"),
    "close": ("closed", "closing"), "quit": ("quit", "quitting"),
    "shut": ("shut", "shutting"), "nuke": ("nuked", "nuking"),
    "murder": ("murdered", "murdering"), "pkill": ("pkilled", "pkilling"),
    "killall": ("killalled", "killalling"),
    "pause": ("paused", "pausing"), "suspend": ("suspended", "suspending"),
    "freeze": ("frozen", "freezing"), "halt": ("halted", "halting"),
    "resume": ("resumed", "resuming"), "continue": ("continued", "continuing"),
    "unpause": ("unpaused", "unpausing"), "unfreeze": ("unfrozen", "unfreezing"),
    "lower": ("lowered", "lowering"), "raise": ("raised", "raising"),
    "renice": ("reniced", "renicing"), "ionice": ("ioniced", "ionicing"),
    "deprioritize": ("deprioritized", "deprioritizing"),
    "deprioritise": ("deprioritised", "deprioritising"),
    "prioritize": ("prioritized", "prioritizing"), "boost": ("boosted", "boosting"),
    "throttle": ("throttled", "throttling"), "demote": ("demoted", "demoting"),
    "clear": ("cleared", "clearing"), "clean": ("cleaned", "cleaning"),
    "delete": ("deleted", "deleting"), "remove": ("removed", "removing"),
    "empty": ("emptied", "emptying"), "purge": ("purged", "purging"),
    "wipe": ("wiped", "wiping"), "free": ("freed", "freeing"),
    "reclaim": ("reclaimed", "reclaiming"), "undo": ("undone", "undoing"),
    "trash": ("trashed", "trashing"), "erase": ("erased", "erasing"),
}

# Words that begin a new request after "and", "then", a comma or a semicolon. A word
# here never starts a *target* ("kill A and B": B is a target, "kill A and pause B" two
# requests).
REQUEST_STARTS = frozenset({
    *VERB_FORMS, "show", "list", "display", "find", "check", "tell", "give", "print",
    "what's", "whats", "what", "how", "is", "are", "which", "who", "why", "where",
    "diagnose", "help", "make", "set", "send", "sigkill", "sigterm", "see",
    "also", "then", "renice", "ionice", "report", "monitor", "look", "view",
    "let", "leave", "keep", "don't", "dont", "never", "do",
})

NEGATION_LEADS = (
    r"don'?t", r"do\s+not", r"dont", r"never", r"no\s+need\s+to", r"there'?s\s+no\s+need\s+to",
    r"there\s+is\s+no\s+need\s+to", r"you\s+(?:don'?t|do\s+not)\s+(?:need|have)\s+to",
    r"no\s+point\s+in", r"let'?s\s+not", r"let\s+us\s+not", r"better\s+not", r"please\s+not",
    r"i'?d\s+rather\s+(?:you\s+)?not", r"i\s+would\s+rather\s+(?:you\s+)?not",
    r"(?:make|be)\s+sure\s+(?:that\s+)?(?:you\s+|to\s+)?(?:don'?t|do\s+not|never|not)",
    r"i\s+(?:really\s+|just\s+|honestly\s+|truly\s+)?(?:don'?t|do\s+not|never)\s+want"
    r"(?:\s+(?:you\s+)?to)?",
    r"i'?d\s+(?:rather|prefer)\s+(?:(?:that\s+)?you\s+)?(?:didn'?t|did\s+not|not|don'?t)",
    r"i\s+would\s+(?:rather|prefer)\s+(?:(?:that\s+)?you\s+)?(?:didn'?t|did\s+not|not|don'?t)",
    r"(?:you'?d|you\s+had)\s+better\s+not",
    r"i\s+(?:don'?t|do\s+not)\s+(?:need|wish)\s+(?:you\s+)?to",
    r"under\s+no\s+circumstances(?:\s+(?:should\s+you|should\s+i|do\s+you))?",
    r"do\s+not\s+ever", r"don'?t\s+ever", r"never\s+ever", r"no\s+(?:more\s+)?need\s+to",
    r"refrain\s+from", r"avoid", r"dnt", r"do\s+n'?t",
    r"i\s+(?:wouldn'?t|would\s+not|won'?t|will\s+not)",
    r"(?:stop|quit|cease|no\s+more)(?=\s+\w+ing\b)",
    r"(?:you\s+|we\s+)?(?:must\s+not|mustn'?t|should\s+not|shouldn'?t|may\s+not|can'?t|cannot)"
    r"(?=\s+(?:ever\s+)?(?:" + "|".join(VERB_FORMS) + r")\b)",
)

# "leave X alone", "keep X running", "don't touch X", "hands off X".
LEAVE_PATTERNS = (
    r"\bleave\b(?P<target>\s+\S.*?)\b(?:alone|be|running|as\s+it\s+is|as\s+is|in\s+peace|"
    r"untouched|where\s+it\s+is)\b",
    r"^(?P<target>.+?)\s+(?:must|should|needs?\s+to|has\s+to|have\s+to)\s+(?:keep|stay|remain)"
    r"\s+(?:running|alive|up|on|going)\b",
    r"\blet\b(?P<target>.+?)\b(?:be|alone)\b(?=\s*(?:[,.!;]|$))",
    r"\bkeep\b(?P<target>\s+\S.*?)\b(?:running|alive|going|as\s+it\s+is|as\s+is|untouched|up)\b",
    r"\b(?:don'?t|do\s+not|never)\s+(?:touch|mess\s+with|bother)\b(?P<target>.+)",
    r"\bhands\s+off\b(?P<target>.+)",
)

QUESTION_LEADS = (
    r"why\s+(?:would|should|do|did|must|shall|can|could)\s+(?:i|we|you|one)",
    r"how\s+(?:do|would|can|could|should|might|shall)\s+(?:i|we|one|you)|how\s+to",
    r"(?:i'?m\s+|i\s+am\s+)?(?:wondering|thinking|considering|debating)\s+(?:whether|if|about)"
    r"(?:\s+(?:i\s+should|to|we\s+should))?",
    r"maybe|perhaps|should\s+we\s+maybe",
    r"what\s+if\s+(?:i|we|you)",
    r"(?:do|would)\s+you\s+(?:think|reckon|suggest|recommend)\s+(?:that\s+)?(?:i|we)\s+"
    r"(?:should|could|can|ought\s+to)",
    r"(?:shoud|shuold|sould|shold|shoudl)\s+(?:i|we)\b",
    r"(?:should|shall|must|do|would|could|can|may|might)\s+(?:i|we)\b(?:\s+(?:really|safely|still"
    r"|just|even|not))*",
    r"(?:is|would|wuld|woud|wud|wd|will)\s+it\s+(?:be\s+)?(?:really\s+)?(?:safe|ok|okay|fine|wise|smart|"
    r"a\s+good\s+idea|a\s+bad\s+idea|bad|dangerous|risky|alright|all\s+right|harmful|"
    r"possible|advisable|sensible)\s+(?:to|if\s+i|if\s+we|if\s+you)",
    r"is\s+there\s+(?:any\s+)?(?:harm|risk|danger|problem)\s+(?:in|to|with|if\s+i)",
    r"what\s+(?:happens|would\s+happen|will\s+happen|could\s+happen|if)"
    r"(?:\s+(?:if|when)\s+(?:i|we|you))?",
    r"what\s+would\s+(?:it|that|nlsh|you)\s+do\s+if\s+(?:i|we)",
    r"how\s+(?:safe|risky|dangerous|bad)\s+(?:is|would)\s+(?:it|that)\s+(?:be\s+)?to",
    r"do\s+(?:i|we)\s+(?:need|have)\s+to",
    r"(?:would|will|does|did|could)\s+(?:it|that)\s+(?:help|hurt|work|matter|break\s+anything)"
    r"\s+(?:to|if\s+(?:i|we|you))",
    r"(?:am\s+i|are\s+we)\s+(?:allowed|able|safe)\s+to",
)

# A whole segment that cancels what came before ("never mind", "cancel").
CANCEL_SEGMENTS = frozenset({
    "cancel", "cancel that", "cancel it", "never mind", "nevermind", "nvm", "forget it",
    "forget that", "forget about it", "scratch that", "don't", "dont", "do not",
    "don't do it", "don't do that", "do not do that", "do not do it", "no don't",
    "stop", "abort", "actually no", "actually don't", "no", "nope", "no no", "wait no",
    "no wait", "ignore that", "disregard that", "belay that", "on second thought no",
    "hold on", "actually never mind", "actually nevermind", "actually, no", "don't bother",
    "no, don't", "not that", "leave it", "skip it", "undo that request", "nah", "naw",
    "nah don't", "oops", "whoops", "my bad", "oops no", "no thanks", "nevermind that",
    "scrap that", "scrap it", "forget i said anything", "forget i said that", "cancel cancel",
    "no cancel", "cancel that please", "never mind that", "forget it please",
    "forget that please", "hmm scrap that", "nope forget i said anything",
    "nope, forget i said anything", "hmm, scrap that", "wait no cancel",
})

# What starts a segment that corrects the one before ("no, kill B", "I mean B").
CORRECTION_LEADS = (
    r"(?:(?:no|nope|wait|sorry|oops|whoops|actually|hmm|erm|um|uh|correction|rather|"
    r"or\s+rather|on\s+second\s+thoughts?|scratch\s+that|not\s+that|nah)\b\s*[,.!:;—–-]*\s*)*"
    r"(?:i\s+(?:mean|meant)|make\s+(?:it|that))\s+",
    r"i\s+(?:mean|meant)\s+",
    r"instead\s*,?\s*",
)
# A bare word that makes the request after it a correction ("actually kill B", "no, kill B").
CORRECTION_WORDS = (r"(?:no|nope|nah|wait|sorry|oops|whoops|actually|instead|rather|or\s+rather|"
                    r"on\s+second\s+thoughts?|scratch\s+that|correction)\b\s*[,.!:;—–-]*\s*")

# Words that ask for SIGKILL. Anything else ("now", "right away", "never") is not force.
FORCE_CUES = (
    "force", "forced", "forcefully", "forcibly", "force-kill", "force kill", "force quit",
    "force-quit", "-9", "sigkill", "-kill", "-sigkill", "no matter what", "hard kill",
    "hard-kill", "kill -9", "signal 9", "with 9", "brutally", "mercilessly", "with prejudice",
    "whatever it takes", "by force", "immediately and forcefully", "no mercy",
    "signal number 9", "sig 9", "sig9", "signal nine", "-s 9", "-s kill",
    "without mercy", "show no mercy",
)

# Words that never name a program or a user unless a live one has exactly that name and
# the sentence says "named"/"called".
GENERIC_NAMES = frozenset({
    "linux", "system", "systems", "process", "processes", "program", "programs", "app",
    "apps", "application", "applications", "listening", "listener", "zombie", "zombies",
    "hog", "hogs", "hogging", "memory", "ram", "cpu", "cpus", "disk", "disks", "swap",
    "everything", "anything", "something", "nothing", "computer", "machine", "laptop",
    "pc", "server", "servers", "thing", "things", "stuff", "one", "ones", "all", "every",
    "it", "them", "that", "this", "these", "those", "task", "tasks", "job", "jobs",
    "service", "services", "daemon", "daemons", "user", "users", "background",
    "foreground", "stuck", "frozen", "hung", "heavy", "heaviest", "biggest", "largest",
    "top", "unused", "idle", "old", "new", "running", "current", "network", "internet",
    "wifi", "port", "ports", "pid", "pids", "processor", "resources", "load", "space",
    "storage", "files", "file", "folder", "folders", "cache", "caches", "trash", "temp",
    "logs", "window", "windows", "terminal", "shell", "session", "my", "mine", "me",
    "someone", "somebody", "anyone", "anybody", "whoever", "whatever", "other", "others",
    "slow", "fast", "high", "low", "usage", "use", "using", "hungry", "greedy", "culprit",
    "offender", "offenders", "responsible", "killer", "kernel", "os", "ubuntu", "debian",
    "fedora", "arch", "mint", "distro", "box", "host", "instance", "instances", "thread",
    "threads", "child", "children", "parent", "worker", "workers", "random",
})

# Function words: never a name, never meaning on their own.
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into",
    "onto", "up", "down", "out", "off", "over", "about", "as", "is", "are", "was", "were",
    "be", "been", "being", "am", "do", "does", "did", "so", "very", "too", "just", "please",
    "pls", "plz", "kindly", "i", "me", "my", "we", "us", "our", "you", "your", "it", "its",
    "it's", "this", "that", "these", "those", "there", "here", "which", "who", "whom",
    "what", "whatever", "whichever", "and", "or", "if", "then", "than", "now", "right",
    "away", "immediately", "asap", "quickly", "real", "quick", "thanks", "thank", "ok",
    "okay", "hey", "hi", "hello", "nlsh", "could", "would", "should", "can", "will", "shall",
    "may", "might", "must", "let", "let's", "lets", "go", "ahead", "want", "need", "like",
    "wanna", "gonna", "have", "has", "had", "get", "got", "some", "any", "all", "every",
    "each", "both", "either", "whole", "entire", "currently", "still", "again", "also",
    "already", "yet", "even", "really", "actually", "basically", "kinda", "sorta", "maybe",
    "perhaps", "probably", "seems", "seem", "looks", "think", "guess", "ugh", "argh", "damn",
    "dammit", "stupid", "annoying", "bloody", "freaking", "fricking", "friggin", "wtf",
    "lol", "um", "uh", "erm", "hmm", "well", "oh", "ah", "man", "dude", "mate", "folks",
    "kind", "sort", "bit", "little", "lot", "lots", "much", "many", "more", "most", "less",
    "least", "way", "time", "times", "back", "there's", "here's", "i'm", "i've",
    "i'd", "i'll", "you're", "it'll", "that's", "what's", "whats", "who's", "how", "how's",
    "when", "where", "why", "named", "called", "using", "used", "uses", "use", "while",
    "gets", "keeps", "keep", "making", "make", "made", "one", "ones", "thing",
    "things", "stuff", "via", "per", "cheers", "ty", "thx", "tia", "sir", "boss",
})

# Everyday words that are also the names of common programs: never dropped as filler when
# the model reads them as a program ("ionice make", "kill top").
PROGRAM_NAMES = frozenset({"make", "go", "less", "more", "which", "who", "time", "watch",
                           "man", "yes", "at", "last", "get", "w", "top", "free", "kill",
                           "sleep", "find", "cat", "head", "tail", "screen", "node", "java",
                           "code", "signal", "slack", "steam", "teams", "zoom"})

# Words that change what a plan would touch. Left over (shaping nothing), each makes nlsh
# ask instead of acting. STRICT ones are operators: only an operator accounts for them,
# whatever the intent's examples say. SOFT ones are fine where the intent's own examples
# use them ("undo the last thing"), and make nlsh ask elsewhere ("kill the last one").
STRICT_MODIFIERS = frozenset({
    "except", "excluding", "exclude", "besides", "without", "but", "not", "no", "never",
    "don't", "dont", "isn't", "aren't", "owned", "belonging", "belongs", "owner", "owners",
    "older", "newer", "younger", "larger", "bigger", "smaller", "greater", "fewer", "above",
    "below", "under", "than", "unless", "until", "till", "before", "after", "since", "ago",
    "yesterday", "today", "tomorrow", "tonight", "midnight", "noon", "monday", "tuesday",
    "soon", "box", "host", "staging", "production", "prod", "remote", "remotely",
    "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "when", "whenever",
    "once", "if", "inside", "within", "exceeds",
    "exceeding", "exept", "excpet", "instead", "or", "nor", "neither", "either",
})
# "port" and "pid" name a number: said without one, a request that can act on one asks.
NUMBER_NOUNS = frozenset({"port", "pid"})
SOFT_MODIFIERS = frozenset({
    "week", "weeks", "month", "months", "year", "years", "day", "days", "hour",
    "hours", "minute", "minutes", "second", "seconds", "morning", "evening", "afternoon",
    "started", "opened", "launched", "spawned", "created", "oldest", "newest", "youngest",
    "smallest", "first", "third", "last", "latest", "earliest", "other", "others", "another",
    "everyone", "everybody", "someone", "else", "random", "randomly", "half", "some", "few",
    "several", "many", "same", "different", "mine", "theirs", "his", "her", "their", "root",
    "sudo", "recursively", "permanently", "forever", "shred", "securely", "remote", "ssh",
    "children", "child", "parent", "tree", "group", "session", "zombie", "zombies",
    "defunct", "orphan", "orphaned", "orphans", "listening", "later", "container",
    "containers", "docker", "vm", "chroot", "namespace", "pod",
})
MODIFIERS = STRICT_MODIFIERS | SOFT_MODIFIERS

# Words that say which change a request asks for. A request the model reads as one of these
# intents without any of its words ("can you get A going again" read as a kill) is the
# model guessing from context: nlsh asks instead. Regular-expression pieces, whole words.
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "process.kill": (
        r"kill\w*", r"pkill", r"terminat\w*", r"end(?:s|ed|ing)?", r"stop\w*", r"clos\w*",
        r"quit\w*", r"shut\w*", r"nuke\w*", r"murder\w*", r"sig(?:term|kill|int|hup)",
        r"-9", r"-kill", r"-term", r"dead", r"die", r"get\s+rid", r"exit", r"finish\w*",
        r"take\s+down", r"bring\s+down", r"put\s+down", r"abort\w*", r"destroy\w*",
        r"slay", r"zap", r"force[- ]?quit", r"wipe\s+out", r"knock\s+out", r"go\s+away",
        r"cancel\w*", r"x\s+out", r"outta\s+here", r"out\s+of\s+here", r"away",
    ),
    "process.suspend": (
        r"paus\w*", r"suspend\w*", r"freez\w*", r"frozen", r"halt\w*", r"stop\w*", r"hold",
        r"sigstop", r"sigtstp", r"-stop", r"sleep", r"hibernat\w*", r"park", r"on\s+ice",
        r"break", r"wait", r"not\s+(?:quit|kill)", r"interrupt\w*", r"kill\s+-(?:stop|19)",
        r"-tstp", r"sigstop", r"-sigstop",
    ),
    "process.resume": (
        r"resum\w*", r"continu\w*", r"unpaus\w*", r"un-?pause\w*", r"un-?freez\w*", r"un-?froze\w*",
        r"thaw\w*", r"sigcont", r"-cont", r"restart\w*", r"wake", r"again", r"going",
        r"carry\s+on", r"go\s+on", r"keep\s+going", r"proceed", r"un-?suspend\w*", r"revive",
        r"back", r"run", r"let\b", r"fg", r"bg", r"start", r"kill\s+-(?:cont|18)",
        r"-sigcont",
    ),
    "process.renice": (
        r"\w*nice\w*", r"priorit\w*", r"prio", r"boost\w*", r"lower", r"raise", r"demot\w*",
        r"promot\w*", r"throttl\w*", r"slow", r"speed", r"faster", r"cpu", r"important",
        r"background", r"calm", r"easy", r"backseat", r"hog\w*", r"favou?r", r"first", r"last",
        r"greedy", r"share", r"de-?priorit\w*", r"aggressive", r"play\s+nice",
    ),
    "process.ionice": (
        r"ionice", r"i/?o", r"disk", r"priorit\w*", r"idle", r"throttl\w*", r"-c\s*\d",
        r"bandwidth", r"read\w*", r"writ\w*", r"hdd", r"ssd", r"drive",
    ),
    "disk.cleanup": (
        r"clean\w*", r"clear\w*", r"delet\w*", r"remov\w*", r"purg\w*", r"wip\w*", r"empt\w*",
        r"free", r"reclaim\w*", r"trash\w*", r"nuke", r"erase", r"drop", r"get\s+rid",
        r"throw\s+away", r"tidy", r"prune", r"space", r"room", r"rm", r"cache\w*", r"junk",
        r"bin", r"temp\w*", r"tmp", r"logs?", r"thumbnails?", r"dispose", r"flush\w*",
        r"vacuum\w*", r"full", r"trim\w*", r"shrink\w*", r"journal\w*",
    ),
    "process.reap": (
        r"kill\w*", r"reap\w*", r"terminat\w*", r"end", r"get\s+rid", r"clean\w*",
        r"clear\w*", r"remov\w*", r"purg\w*", r"delet\w*", r"nuke\w*", r"flush\w*",
        r"destroy\w*", r"tidy", r"go\s+away", r"sigchld", r"collect\w*", r"-9",
    ),
    "file.trash": (
        r"delet\w*", r"remov\w*", r"trash\w*", r"bin", r"throw\s+\w*\s*away", r"get\s+rid",
        r"purg\w*", r"wip\w*", r"clean\w*", r"clear\w*", r"erase", r"rm", r"nuke",
        r"discard\w*", r"move", r"put", r"send", r"dispose",
    ),
    "memory.free": (
        r"free\w*", r"memory", r"ram", r"swap\w*", r"oom", r"reclaim\w*", r"release",
        r"close", r"room", r"mem", r"kill", r"out\s+of", r"low", r"pressure", r"quit",
    ),
    "undo": (
        r"undo\w*", r"revert\w*", r"roll\s*back", r"rollback", r"reverse", r"take\s+back",
        r"put\s+\w+\s+back", r"restor\w*", r"bring\s+\w+\s+back", r"back", r"oops",
        r"mistake", r"ctrl\+?\s*z", r"didn'?t\s+mean", r"cancel", r"un-do", r"reset\w*",
        r"before", r"was", r"were",
    ),
}
