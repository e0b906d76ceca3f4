; Included by electron-builder's NSIS installer (nsis.include in build/electron-builder.yml).
; A project is a folder, and NSIS file associations name extensions only: "Open with Qwen Edit Studio" on a
; folder is a shell verb on Directory. SHELL_CONTEXT is HKCU for a per-user install and HKLM per machine.
; The app opens the folder it is given (electron/main/shell/openArgs.ts).

!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\shell\QwenEditStudio" "" "Open with Qwen Edit Studio"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\shell\QwenEditStudio" "Icon" "$appExe,0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\Directory\shell\QwenEditStudio\command" "" '"$appExe" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey SHELL_CONTEXT "Software\Classes\Directory\shell\QwenEditStudio"
!macroend
