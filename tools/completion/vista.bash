# bash completion for vista. The words come from the binary itself (vista
# complete WHAT: the commands, import kinds, options, ready scripts and
# export tables from the table --help prints; institution codes from the
# database, opened read-only), so they are never out of date.

# Reads `vista complete WHAT` into the array _vista_words, one word a line.
_vista_words() {
  local IFS=$'\n'
  _vista_words=($("${_vista_cmd[@]}" complete "$1" 2>/dev/null))
}

# Offers the words of _vista_words that start with $cur, quoted for the
# command line (Erasmus codes have spaces: "B  GENT25").
_vista_offer() {
  local w typed=$cur
  # What is typed may be quoted or escaped: compare it without quoting.
  typed=${typed#[\"\']}
  typed=${typed//\\/}
  for w in "${_vista_words[@]}"; do
    [[ $w == "$typed"* ]] && COMPREPLY+=("$(printf '%q' "$w")")
  done
}

_vista() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=${COMP_WORDS[COMP_CWORD - 1]}
  local i word cmd= sub=
  _vista_cmd=("${COMP_WORDS[0]}")
  COMPREPLY=()
  # Find the command and its first argument, and keep --db for the
  # institution codes.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --db)
        _vista_cmd+=(--db "${COMP_WORDS[i + 1]}")
        ((i++)) ;;
      --scope | --allow-write | --max-steps | --max-mem | --max-time | \
        --format | --map | --rejects | --out | --institution | -e)
        [[ $word == -e && -z $cmd ]] && cmd=-e
        ((i++)) ;;
      -*) ;;
      *)
        if [[ -z $cmd ]]; then cmd=$word
        elif [[ -z $sub ]]; then sub=$word
        fi ;;
    esac
  done

  case $prev in
    --institution | --scope)
      _vista_words institutions
      _vista_offer
      return ;;
    --db | --out | --rejects | --members)
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --allow-write)
      COMPREPLY=($(compgen -d -- "$cur"))
      return ;;
    --format)
      case $cmd in
        import) COMPREPLY=($(compgen -W "auto erasmus vista" -- "$cur")) ;;
        export) COMPREPLY=($(compgen -W "csv json" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "table csv json md html" -- "$cur")) ;;
      esac
      return ;;
    --max-steps | --max-mem | --max-time | --map | -e)
      return ;;
  esac

  case $cmd in
    '')
      if [[ $cur == -* ]]; then
        _vista_words options
      else
        _vista_words commands
      fi
      _vista_offer ;;
    import)
      if [[ -z $sub ]]; then
        _vista_words imports
        _vista_offer
      elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--institution --format --map --rejects
          --strict --replace --check" -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi ;;
    export)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--format --out" -- "$cur"))
      elif [[ -z $sub ]]; then
        _vista_words tables
        _vista_offer
      fi ;;
    run)
      if [[ -z $sub ]]; then
        _vista_words scripts
        _vista_offer
        COMPREPLY+=($(compgen -f -X '!*.lua' -- "$cur"))
      elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--help --institution --format --out" \
          -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi ;;
    init | repl)
      [[ $cur == -* ]] && { _vista_words options; _vista_offer; } ;;
  esac
}

complete -F _vista vista
