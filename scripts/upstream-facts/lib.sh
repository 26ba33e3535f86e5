# Shared by the scripts that read pinned upstream repositories from fetched mirrors (generate.sh, iam.sh,
# behaviour.sh); sourced, not run.

# pinned NAME VERSION: whether a row of a pins file is one to regenerate: not blank or a comment, and of the NAME and
# VERSION asked for (`$only_name` / `$only_version`, empty for every one).
pinned() {
  [[ -n $1 && $1 != \#* ]] || return 1
  [[ -z ${only_name:-} || $1 == "$only_name" ]] || return 1
  [[ -z ${only_version:-} || $2 == "$only_version" ]]
}

# mirror_git_dir MIRRORS OWNER/NAME: prints the git directory of the mirror of OWNER/NAME under MIRRORS (as `fetch`
# lays it out, `owner+name/repo`, or a plain clone), or fails with one line.
mirror_git_dir() {
  local d
  for d in "$1/${2/\//+}/repo" "$1/${2/\//+}" "$1/$2"; do
    if git -C "$d" rev-parse --git-dir >/dev/null 2>&1; then echo "$d"; return 0; fi
  done
  echo "error: no clone of $2 under $1" >&2
  return 1
}
