// The box moved to the shared components (the composer shows ClickSend's answer in it too).
export { JsonBlock } from "@/components/ui/json-block";
