
# runner's own completions, ahead of the generated ones above: environment names for
# -e/--env, reporter names for --reporter (`NAME=` then a file for the reporters that write one).
_runner() {
    local line words=() cur prev
    if [[ -n "${COMP_LINE-}" ]]; then
        line="${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}"
        read -ra words <<< "$line"
        [[ "$line" =~ [[:space:]]$ ]] && words+=("")
    else
        words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
    fi
    local n=${#words[@]}
    if (( n < 2 )); then
        _runner_clap "$@"
        return
    fi
    cur="${words[n-1]}"
    prev="${words[n-2]}"
    case "$prev" in
        -e|--env)
            _runner_environments "$cur" "${words[@]:1:n-2}"
            return 0
            ;;
        --reporter)
            _runner_reporters "$cur" "${2-$cur}" "${words[1]}"
            return 0
            ;;
    esac
    _runner_clap "$@"
}

# Environment names (`environments/NAME.yaml` in the working directory, beside and inside
# the folder of each collection named on the line); file names once the text is a path.
_runner_environments() {
    local cur="$1" skip=0 word dir file name names=() dirs=(environments)
    shift
    if [[ "$cur" == */* || "$cur" == .* || "$cur" == *.yaml || "$cur" == *.yml ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
        return
    fi
    for word in "$@"; do
        if (( skip )); then
            skip=0
            continue
        fi
        case "$word" in
            -e|--env) skip=1 ;;
            *.yaml|*.yml)
                if [[ -f "$word" ]]; then
                    dir="$(dirname -- "$word")"
                    dirs+=("$dir/../environments" "$dir/environments")
                fi
                ;;
        esac
    done
    for dir in "${dirs[@]}"; do
        for file in "$dir"/*.yaml "$dir"/*.yml; do
            [[ -f "$file" ]] || continue
            name="${file##*/}"
            name="${name%.*}"
            [[ " ${names[*]} " == *" $name "* ]] || names+=("$name")
        done
    done
    COMPREPLY=($(compgen -W "${names[*]}" -- "$cur" | LC_ALL=C sort))
}

# Reporter names; after `NAME=`, file names. $2 is the word readline replaces: the text
# after `=` when `=` breaks words (bash's default), else the whole `NAME=PATH`.
_runner_reporters() {
    local cur="$1" word="$2" names="cli github junit= json= html=" file
    [[ "$3" == report ]] && names="junit= json= html="
    if [[ "$cur" == *=* ]]; then
        local path="${cur#*=}"
        COMPREPLY=()
        while IFS= read -r file; do
            if [[ "$word" == "$cur" ]]; then
                COMPREPLY+=("${cur%%=*}=$file")
            else
                COMPREPLY+=("$file")
            fi
        done < <(compgen -f -- "$path")
        return
    fi
    COMPREPLY=($(compgen -W "$names" -- "$cur"))
    if [[ "${COMPREPLY[*]}" == *= ]] && (( ${#COMPREPLY[@]} == 1 )); then
        compopt -o nospace 2>/dev/null
    fi
}
